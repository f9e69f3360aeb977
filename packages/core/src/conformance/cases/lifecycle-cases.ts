import type { ConformanceCase } from '../conformance-case.js';
import { expectCode } from './expect-code.js';

/** Runs last: a closed transport refuses new calls with `unavailable`. */
export const lifecycleCases: readonly ConformanceCase[] = [
  {
    id: 'lifecycle/refuses-after-close',
    title: 'closes once in-flight calls are done, then refuses calls',
    // close() waits for calls in flight: one that never resolves means a call or stream leaked.
    timeoutMs: 5000,
    async run(kit) {
      await kit.client.health({});
      await kit.transport.close();
      await expectCode(kit.client.health({}), 'unavailable');
    },
  },
];
