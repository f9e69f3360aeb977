import { describe, it } from 'vitest';
import type { Kit } from '../kit.js';
import { expectCode } from './expect-code.js';

/** Runs last: a closed transport refuses new calls with `unavailable`. */
export function lifecycleCases(kit: Kit): void {
  describe('lifecycle', () => {
    it('refuses calls after close', async () => {
      await kit.client.health({});
      await kit.transport.close();
      await expectCode(kit.client.health({}), 'unavailable');
    });
  });
}
