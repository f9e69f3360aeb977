import { describe, expect, it } from 'vitest';
import * as core from '../src/index.js';
import * as protocol from '../src/protocol/index.js';
import * as messages from '../src/schema/messages.js';

/** What each entry point gives at runtime: a name added here is a decision, not an accident of `export *`. */
describe('the exports of @govc/core', () => {
  it('gives applications the client, transports, errors, codecs, middleware, the schema and its messages', () => {
    const messageNames = Object.keys(messages);
    expect(messageNames).toContain('CommitRequest');
    const others = Object.keys(core).filter((name) => !messageNames.includes(name));
    expect(others.sort()).toEqual([
      'GovcError',
      'batching',
      'bearerAuth',
      'compose',
      'createClient',
      'createFaultPlan',
      'createInProcessTransport',
      'deadline',
      'describeService',
      'errorCodes',
      'govcMethods',
      'govcServiceName',
      'idempotencyKeyHeader',
      'isErrorCode',
      'jsonCodec',
      'metrics',
      'msgpackCodec',
      'newIdempotencyKey',
      'retry',
      'withHeaders',
    ]);
    for (const name of messageNames) expect(core, name).toHaveProperty(name, messages[name as keyof typeof messages]);
  });

  it('gives transport packages their building blocks at /protocol', () => {
    expect(Object.keys(protocol).sort()).toEqual([
      'CallScope',
      'DeadlineWheel',
      'EnvelopeReader',
      'checkMessage',
      'codeFromHttpStatus',
      'decodeBase64',
      'decodeEndStream',
      'encodeBase64',
      'encodeEndStream',
      'encodeEnvelope',
      'envelopeFlags',
      'envelopeHeaderBytes',
      'errorFromHandler',
      'findMethod',
      'grpcStatusOf',
      'handlerMethod',
      'httpStatusOf',
      'noHeaders',
      'optionValue',
      'withFaults',
    ]);
  });
});
