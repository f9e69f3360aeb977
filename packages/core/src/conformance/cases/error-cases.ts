import { expect } from 'vitest';
import { errorCodes } from '../../errors/code.js';
import { conformanceMethods } from '../conformance-methods.js';
import type { ConformanceCase } from '../conformance-case.js';
import { collect, expectCode, streamOf, text } from './expect-code.js';

const injected = 'injected fault';

/** Every code of the closed set arrives at the client as it left the handler, message included. */
export const errorCases: readonly ConformanceCase[] = [
  ...errorCodes.map(
    (code) =>
      ({
        id: `errors/unary-${code}`,
        title: `carries ${code} from a unary handler`,
        async run(kit) {
          kit.faults.failNext(1, { code, method: 'Health' });
          const error = await expectCode(kit.client.health({}), code);
          expect(error.rawMessage).toBe(injected);
        },
      }) satisfies ConformanceCase,
  ),
  ...(['not_found', 'permission_denied', 'resource_exhausted'] as const).map(
    (code) =>
      ({
        id: `errors/server-stream-${code}`,
        title: `carries ${code} from a server stream`,
        async run(kit) {
          // The blob exists: only the injected fault can fail the download.
          const repo = await kit.newRepo('stream-error');
          const { hash } = await kit.client.storeBlob({ repo, content: text('present') });
          kit.faults.failNext(1, { code, method: 'DownloadBlob' });
          const error = await expectCode(collect(kit.client.downloadBlob({ repo, hash })), code);
          expect(error.rawMessage).toBe(injected);
          expect((await collect(kit.client.downloadBlob({ repo, hash }))).length).toBe(1);
        },
      }) satisfies ConformanceCase,
  ),
  {
    id: 'errors/client-stream',
    title: 'carries an error from a client stream',
    async run(kit) {
      const repo = await kit.newRepo('upload-error');
      kit.faults.failNext(1, { code: 'failed_precondition', method: 'UploadBlob' });
      const error = await expectCode(kit.client.uploadBlob(streamOf([{ repo, data: text('x') }])), 'failed_precondition');
      expect(error.rawMessage).toBe(injected);
    },
  },
  {
    id: 'errors/bidi-stream',
    title: 'carries an error from a bidi stream',
    needs: 'bidi',
    async run(kit) {
      kit.faults.failNext(1, { code: 'resource_exhausted', method: 'EchoBidi' });
      const error = await expectCode(
        collect(kit.transport.bidi(conformanceMethods.EchoBidi, streamOf([{ text: 'x' }]))),
        'resource_exhausted',
      );
      expect(error.rawMessage).toBe(injected);
    },
  },
];
