import { hashDownload, StreamContent, gitBlobHashOf, streamBytes, uploadMessages } from './stream-content.js';
import { StreamPeaks } from './stream-peaks.js';
import type { Workload } from './workload.js';

/**
 * UploadBlob of `streamBytes` of unique, incompressible bytes in 1 MiB chunks with the size
 * declared, one stream at a time, on the disk server; each stream's peak resident sets through `figures`.
 */
export function uploadBlobStreamWorkload(ops: Workload['ops']): Workload {
  const name = `upload-${streamBytes / 1024 ** 2}mib`;
  return {
    name,
    about:
      `UploadBlob of ${streamBytes / 1024 ** 2} MiB of random bytes in 1 MiB chunks, size declared, one stream at a time, ` +
      'to govc serve --data-dir (in-process: to its own in-memory service); peak RSS of client and server per stream',
    concurrency: 1,
    ops,
    itemsPerOp: 1,
    everyVariant: false,
    server: 'disk',
    async prepare(client, repo, _transport, server) {
      const content = new StreamContent(streamBytes);
      const peaks = new StreamPeaks(server?.pid);
      const uploaded: { hash: string; size: number }[] = [];
      return {
        async op(index) {
          const chunks = content.chunks(name, index);
          const answer = await peaks.during(() => client.uploadBlob(uploadMessages(repo, streamBytes, chunks)));
          return () => {
            const hash = gitBlobHashOf(chunks);
            if (answer.hash !== hash) throw new Error(`UploadBlob answered ${answer.hash}, not the git blob hash ${hash}`);
            if (answer.size !== streamBytes) throw new Error(`UploadBlob answered size ${answer.size}, not ${streamBytes}`);
            uploaded.push({ hash, size: streamBytes });
          };
        },
        async verifyState() {
          const { present } = await client.hasObjects({ repo, hashes: uploaded.map(({ hash }) => hash) });
          const missing = uploaded.filter((_, at) => !present[at]);
          if (missing.length > 0)
            throw new Error(`${missing.length} of ${uploaded.length} uploaded blobs are missing, e.g. ${missing[0]!.hash}`);
          for (const { hash, size } of uploaded) {
            const read = await hashDownload(client.downloadBlob({ repo, hash }), size);
            if (read.size !== size || read.hash !== hash)
              throw new Error(`blob ${hash} reads back as ${read.size} bytes hashing to ${read.hash}`);
          }
        },
        figures: () => peaks.figures(),
      };
    },
  };
}
