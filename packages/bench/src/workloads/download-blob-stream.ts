import { gitBlobHashOf, hashDownload, StreamContent, streamBytes, uploadMessages } from './stream-content.js';
import { StreamPeaks } from './stream-peaks.js';
import type { Workload } from './workload.js';

/**
 * DownloadBlob of a `streamBytes` blob stored untimed, one stream at a time, on the disk server;
 * the client hashes as it reads (nothing kept), so the op includes a streaming SHA-1.
 */
export function downloadBlobStreamWorkload(ops: Workload['ops']): Workload {
  const name = `download-${streamBytes / 1024 ** 2}mib`;
  return {
    name,
    about:
      `DownloadBlob of a stored ${streamBytes / 1024 ** 2} MiB blob of random bytes, one stream at a time, hashed as it arrives, ` +
      'from govc serve --data-dir (in-process: its own in-memory service); peak RSS of client and server per stream',
    concurrency: 1,
    ops,
    itemsPerOp: 1,
    everyVariant: false,
    server: 'disk',
    async prepare(client, repo, _transport, server) {
      const chunks = new StreamContent(streamBytes).chunks(name, 0);
      const hash = gitBlobHashOf(chunks);
      const stored = await client.uploadBlob(uploadMessages(repo, streamBytes, chunks));
      if (stored.hash !== hash) throw new Error(`UploadBlob of the blob to download answered ${stored.hash}, not ${hash}`);
      const peaks = new StreamPeaks(server?.pid);
      return {
        async op() {
          const read = await peaks.during(() => hashDownload(client.downloadBlob({ repo, hash }), streamBytes));
          return () => {
            if (read.size !== streamBytes) throw new Error(`DownloadBlob streamed ${read.size} bytes, not ${streamBytes}`);
            if (read.hash !== hash) throw new Error(`DownloadBlob streamed bytes hashing to ${read.hash}, not ${hash}`);
          };
        },
        async verifyState() {
          const { present } = await client.hasObjects({ repo, hashes: [hash] });
          if (!present[0]) throw new Error(`the downloaded blob ${hash} is missing`);
        },
        figures: () => peaks.figures(),
      };
    },
  };
}
