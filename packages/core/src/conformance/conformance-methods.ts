import { message, optional, scalar, type MessageOf } from '../schema/message.js';
import type { MethodDescriptor } from '../schema/methods.js';

export const EchoMessage = message('govc.conformance.v1.EchoMessage', {
  text: optional(scalar(1, 'string')),
  data: optional(scalar(2, 'bytes')),
});
export type EchoMessage = MessageOf<typeof EchoMessage>;

/**
 * Methods that exist only for the conformance kit, so that call shapes the govc service does not
 * use (bidi) are proven too. A transport's test binding must route them like service methods.
 */
export const conformanceMethods = {
  EchoBidi: {
    service: 'govc.conformance.v1.ConformanceService',
    name: 'EchoBidi',
    localName: 'echoBidi',
    kind: 'bidi',
    input: EchoMessage,
    output: EchoMessage,
    idempotent: true,
    batchable: false,
  } satisfies MethodDescriptor<EchoMessage, EchoMessage, 'bidi'>,
} as const;
