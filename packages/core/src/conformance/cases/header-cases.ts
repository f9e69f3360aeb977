import { expect } from 'vitest';
import { conformanceMethods } from '../conformance-methods.js';
import type { ConformanceCase } from '../conformance-case.js';
import { collect, streamOf, text } from './expect-code.js';

const probeHeader = 'x-govc-conformance';

/** The caller's headers reach the handler on every call shape (auth and idempotency keys ride on them). */
export const headerCases: readonly ConformanceCase[] = [
  {
    id: 'headers/every-call-shape',
    title: 'delivers request headers to the handler on unary, client-stream, server-stream and bidi calls',
    async run(kit) {
      const repo = await kit.newRepo('headers');
      const seen = (method: string): string | undefined => kit.probe.headersSeen[method]?.[probeHeader];
      await kit.client.health({}, { headers: { [probeHeader]: 'unary' } });
      expect(seen('Health')).toBe('unary');
      const { hash } = await kit.client.uploadBlob(streamOf([{ repo, data: text('h') }]), { headers: { [probeHeader]: 'client-stream' } });
      expect(seen('UploadBlob')).toBe('client-stream');
      await collect(kit.client.downloadBlob({ repo, hash }, { headers: { [probeHeader]: 'server-stream' } }));
      expect(seen('DownloadBlob')).toBe('server-stream');
      if (!kit.capabilities.bidi) return;
      await collect(kit.transport.bidi(conformanceMethods.EchoBidi, streamOf([{ text: 'h' }]), { headers: { [probeHeader]: 'bidi' } }));
      expect(seen('EchoBidi')).toBe('bidi');
    },
  },
];
