import type { FileChange } from '@govc/core';
import { sameBytes } from './stored-blobs.js';
import { textContent } from './text-content.js';
import type { Workload } from './workload.js';

const files = 20;
const fileBytes = 500;
const author = { name: 'Bench', email: 'bench@example.com', time: 1_700_000_000 };

/** A ~10 KB structured request: a Commit of 20 files of ~500 bytes of text each, one at a time. */
export function commitFilesWorkload(ops: Workload['ops']): Workload {
  return {
    name: 'commit-20-files',
    about: `Commit of ${files} files of ${fileBytes} bytes of text (~10 KB request), one call at a time`,
    concurrency: 1,
    ops,
    itemsPerOp: 1,
    everyVariant: true,
    async prepare(client, repo) {
      const written: { hash: string; path: string; content: Uint8Array }[] = [];
      return {
        async op(index) {
          const changes: FileChange[] = Array.from({ length: files }, (_, file) => ({
            path: `src/${index % 10}/file-${file}.ts`,
            content: textContent('commit', index * files + file, fileBytes),
          }));
          const response = await client.commit({ repo, branch: 'main', message: `bench commit ${index}`, author, changes });
          return () => {
            if (!/^[0-9a-f]{40}$/.test(response.hash)) throw new Error(`Commit answered hash ${JSON.stringify(response.hash)}`);
            const pick = changes[index % files]!;
            written.push({ hash: response.hash, path: pick.path, content: pick.content! });
          };
        },
        async verifyState() {
          // Each commit must hold what it was sent: read a sample of them back, file by file.
          const step = Math.max(1, Math.floor(written.length / 16));
          for (let at = 0; at < written.length; at += step) {
            const { hash, path, content } = written[at]!;
            const file = await client.readFile({ repo, ref: hash, path });
            if (!sameBytes(file.content, content)) throw new Error(`commit ${hash} holds other bytes at ${path}`);
          }
          const last = written.at(-1);
          if (last && (await client.getRepository({ repo })).head !== last.hash) throw new Error('main is not at the last commit');
        },
      };
    },
  };
}
