import { describe, expect, it } from 'vitest';
import { errorCodes } from '../../errors/code.js';
import type { Kit } from '../kit.js';
import { collect, expectCode } from './expect-code.js';

/** Every code of the closed set arrives at the client as it left the handler. */
export function errorCases(kit: Kit): void {
  describe('errors end to end', () => {
    it.each(errorCodes.map((code) => [code]))('carries %s from a unary handler', async (code) => {
      kit.faults.failNext(1, { code, method: 'Health' });
      const error = await expectCode(kit.client.health({}), code);
      expect(error.rawMessage).toBe('injected fault');
    });

    it.each(['not_found', 'permission_denied', 'resource_exhausted'] as const)('carries %s from a server stream', async (code) => {
      const repo = await kit.newRepo('stream-error');
      kit.faults.failNext(1, { code, method: 'DownloadBlob' });
      await expectCode(collect(kit.client.downloadBlob({ repo, hash: 'a'.repeat(40) })), code);
    });

    it('carries an error from a client stream', async () => {
      kit.faults.failNext(1, { code: 'failed_precondition', method: 'UploadBlob' });
      await expectCode(kit.client.uploadBlob((async function* () {
        yield { repo: 'x' };
      })()), 'failed_precondition');
    });
  });
}
