import { expect } from 'vitest';
import { conformanceMethods, type EchoMessage } from '../conformance-methods.js';
import type { ConformanceCase } from '../conformance-case.js';
import { ada, collect, eventually, expectCode, patternBytes, sameBytes, streamOf, text, waitUntil } from './expect-code.js';

const chunkSize = 64 * 1024;

/** How long a case waits for the peer to see a message before it calls the stream held back. */
const flowWaitMs = 3000;

/** An upload of `bytes` in 1 MiB messages, as a client would send a file. */
async function* upload(repo: string, bytes: Uint8Array): AsyncGenerator<{ repo?: string; size?: number; data?: Uint8Array }> {
  yield { repo, size: bytes.byteLength };
  for (let at = 0; at < bytes.byteLength; at += 1024 * 1024) yield { data: bytes.subarray(at, at + 1024 * 1024) };
}

function concat(chunks: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.byteLength, 0));
  let at = 0;
  for (const chunk of chunks) {
    out.set(chunk, at);
    at += chunk.byteLength;
  }
  return out;
}

/** Client streams, server streams and bidi: content, resumption, cancellation, backpressure. */
export const streamCases: readonly ConformanceCase[] = [
  {
    id: 'streams/upload',
    title: 'uploads in chunks, with and without a declared size, to the same hash as StoreBlob',
    async run(kit) {
      const repo = await kit.newRepo('upload');
      const bytes = patternBytes(300_000, 7);
      const parts = [bytes.subarray(0, 100_000), bytes.subarray(100_000, 250_000), bytes.subarray(250_000)];
      const expected = await kit.client.storeBlob({ repo, content: bytes });
      const sized = await kit.client.uploadBlob(streamOf([{ repo, size: bytes.byteLength }, ...parts.map((data) => ({ data }))]));
      expect(sized).toEqual(expected);
      const unsized = await kit.client.uploadBlob(streamOf([{ repo, data: parts[0]! }, { data: parts[1]! }, { data: parts[2]! }]));
      expect(unsized).toEqual(expected);
      await expectCode(kit.client.uploadBlob(streamOf([{ repo, size: 10 }, { data: text('short') }])), 'invalid_argument');
      await expectCode(kit.client.uploadBlob(streamOf([])), 'invalid_argument');
      await expectCode(kit.client.uploadBlob(streamOf([{ repo: kit.uniqueRepo('missing') }])), 'not_found');
    },
  },
  {
    id: 'streams/upload-flows-as-sent',
    title: 'delivers each upload message to the server as it is sent, not when the stream ends',
    async run(kit) {
      const repo = await kit.newRepo('upload-flow');
      const bytes = patternBytes(3 * chunkSize, 13);
      const expected = await kit.client.storeBlob({ repo, content: bytes });
      const consumed = kit.probe.uploadChunksConsumed;
      let flowed = false;
      async function* paced(): AsyncGenerator<{ repo?: string; size?: number; data?: Uint8Array }> {
        yield { repo, size: bytes.byteLength };
        yield { data: bytes.subarray(0, chunkSize) };
        // A transport that buffers the stream sends nothing until it ends: the server sees neither.
        flowed = await waitUntil(() => kit.probe.uploadChunksConsumed >= consumed + 2, flowWaitMs);
        yield { data: bytes.subarray(chunkSize) };
      }
      expect(await kit.client.uploadBlob(paced())).toEqual(expected);
      expect(flowed, 'the server saw no upload message before the stream ended').toBe(true);
    },
  },
  {
    id: 'streams/download',
    title: 'downloads whole and from an offset',
    async run(kit) {
      const repo = await kit.newRepo('download');
      const bytes = patternBytes(200_000, 3);
      const { hash } = await kit.client.storeBlob({ repo, content: bytes });
      const whole = await collect(kit.client.downloadBlob({ repo, hash }));
      expect(sameBytes(concat(whole.map((c) => c.data)), bytes)).toBe(true);
      const tail = await collect(kit.client.downloadBlob({ repo, hash, offset: 150_000 }));
      expect(sameBytes(concat(tail.map((c) => c.data)), bytes.subarray(150_000))).toBe(true);
      await expectCode(collect(kit.client.downloadBlob({ repo, hash, offset: 200_001 })), 'out_of_range');
      await expectCode(collect(kit.client.downloadBlob({ repo, hash: 'a'.repeat(40) })), 'not_found');
    },
  },
  {
    id: 'streams/watch-and-resume',
    title: 'watches ref changes and resumes after a sequence number',
    async run(kit) {
      const repo = await kit.newRepo('watch');
      const controller = new AbortController();
      const events = kit.client.watchRefs({ repo, prefix: 'refs/heads/' }, { signal: controller.signal })[Symbol.asyncIterator]();
      const firstEvent = events.next();
      // Give the watch time to be registered before the change it must see.
      await new Promise((resolve) => setTimeout(resolve, 50));
      const c1 = await kit.client.commit({ repo, branch: 'main', message: '1', author: ada, changes: [{ path: 'x', content: text('1') }] });
      await kit.client.updateRef({ repo, name: 'refs/tags/skip', newHash: c1.hash, expectedOldHash: '' });
      const c2 = await kit.client.commit({ repo, branch: 'main', message: '2', author: ada, changes: [{ path: 'x', content: text('2') }] });
      const e1 = (await firstEvent).value;
      const e2 = (await events.next()).value;
      expect(e1).toMatchObject({ name: 'refs/heads/main', oldHash: '', newHash: c1.hash });
      expect(e2).toMatchObject({ name: 'refs/heads/main', oldHash: c1.hash, newHash: c2.hash });
      expect(e2.seq).toBeGreaterThan(e1.seq);
      controller.abort();
      await expectCode(events.next(), 'canceled');

      const resumed = kit.client.watchRefs({ repo, sinceSeq: e1.seq }, { deadline: Date.now() + 300 })[Symbol.asyncIterator]();
      expect((await resumed.next()).value).toMatchObject({ name: 'refs/tags/skip', newHash: c1.hash });
      expect((await resumed.next()).value).toMatchObject({ seq: e2.seq, newHash: c2.hash });
      await expectCode(resumed.next(), 'deadline_exceeded');
      await expectCode(collect(kit.client.watchRefs({ repo, sinceSeq: e2.seq + 100 })), 'out_of_range');
    },
  },
  {
    id: 'streams/bidi-echo',
    title: 'echoes a bidi stream message by message',
    needs: 'bidi',
    async run(kit) {
      const sent: EchoMessage[] = [{ text: 'a' }, { data: text('bytes') }, { text: 'c', data: new Uint8Array([0, 255]) }];
      const replies = kit.transport.bidi(conformanceMethods.EchoBidi, streamOf(sent));
      const got = (await collect(replies)) as EchoMessage[];
      expect(got.map((m) => m.text)).toEqual(['a', undefined, 'c']);
      expect(got.map((m) => (m.data ? [...m.data] : undefined))).toEqual([undefined, [...text('bytes')], [0, 255]]);
    },
  },
  {
    id: 'streams/bidi-interleaves',
    title: 'answers each bidi message before the next is sent (full duplex)',
    needs: 'bidi',
    async run(kit) {
      const replies: (string | undefined)[] = [];
      let interleaved = true;
      async function* requests(): AsyncGenerator<EchoMessage> {
        for (let i = 0; i < 3; i++) {
          yield { text: `m${i}` };
          // A half-duplex transport sends nothing before the request stream ends: no reply comes.
          if (!(await waitUntil(() => replies.length > i, flowWaitMs))) interleaved = false;
        }
      }
      for await (const reply of kit.transport.bidi(conformanceMethods.EchoBidi, requests())) replies.push((reply as EchoMessage).text);
      expect(replies).toEqual(['m0', 'm1', 'm2']);
      expect(interleaved, 'a reply waited for the request stream to end').toBe(true);
    },
  },
  {
    id: 'streams/download-cancel',
    title: 'cancels a download mid-stream on both sides',
    async run(kit) {
      const repo = await kit.newRepo('cancel');
      // Bigger than what the transport may read ahead, so the cancel lands while the server still streams.
      const { hash } = await kit.client.uploadBlob(upload(repo, patternBytes(kit.capabilities.maxReadAheadBytes + 4 * 1024 * 1024, 5)));
      const canceledBefore = kit.probe.streamsCanceled;
      const controller = new AbortController();
      const stream = kit.client.downloadBlob({ repo, hash }, { signal: controller.signal })[Symbol.asyncIterator]();
      expect((await stream.next()).value?.data.byteLength).toBe(chunkSize);
      controller.abort();
      await expectCode(async () => {
        for (;;) if ((await stream.next()).done) return;
      }, 'canceled');
      await eventually(() => kit.probe.streamsCanceled > canceledBefore);
    },
  },
  {
    id: 'streams/backpressure',
    title: 'does not run ahead of a slow reader without bound',
    async run(kit) {
      const repo = await kit.newRepo('backpressure');
      const size = 32 * 1024 * 1024;
      const { hash } = await kit.client.uploadBlob(upload(repo, patternBytes(size, 9)));
      const produced = kit.probe.downloadChunksProduced;
      const controller = new AbortController();
      const stream = kit.client.downloadBlob({ repo, hash }, { signal: controller.signal })[Symbol.asyncIterator]();
      await stream.next();
      await new Promise((resolve) => setTimeout(resolve, 300));
      const ahead = (kit.probe.downloadChunksProduced - produced) * chunkSize;
      controller.abort();
      await stream.return?.();
      expect(ahead).toBeLessThanOrEqual(kit.capabilities.maxReadAheadBytes + 2 * chunkSize);
    },
  },
  {
    id: 'streams/large-messages',
    title: 'carries large messages both ways',
    async run(kit) {
      const repo = await kit.newRepo('large');
      const bytes = patternBytes(kit.capabilities.largeMessageBytes, 11);
      const { hash, size } = await kit.client.storeBlob({ repo, content: bytes });
      expect(size).toBe(bytes.byteLength);
      const blob = await kit.client.getBlob({ repo, hash });
      expect(sameBytes(blob.content, bytes)).toBe(true);
    },
  },
];
