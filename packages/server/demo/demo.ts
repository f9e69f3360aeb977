/**
 * `npm run demo`: starts `govc serve` in its own
 * process on a free port and runs the whole client stack (retry, batching) against it over
 * HTTP/2 with MessagePack. It creates a repository, stores blobs, commits, reads the log, runs a
 * batch and sees a WatchRefs event, printing each result with its time, and checks one blob
 * through the raw blob route as a tool would see it.
 */
import { spawn, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { batching, createClient, msgpackCodec, retry } from '@govc/core';
import { createHttpTransport } from '@govc/transport-http';

const bin = fileURLToPath(new URL('../bin/govc.js', import.meta.url));
const server = spawn(process.execPath, [bin, 'serve', '--port', '0'], { stdio: ['ignore', 'pipe', 'inherit'] });
const banner = await new Promise<string>((resolve, reject) => {
  let out = '';
  server.stdout!.on('data', (chunk: Buffer) => {
    out += chunk.toString();
    if (out.includes('\n')) resolve(out.trim());
  });
  server.once('exit', (code) => reject(new Error(`govc serve exited with ${code}`)));
});
const baseUrl = /(https?:\/\/\S+?)(?=[\s)]|$)/.exec(banner)![1]!.replace(/\/$/, '');
console.log(banner);
const transport = createHttpTransport({ baseUrl, httpVersion: '2', codec: msgpackCodec });
await transport.warmup();
const client = createClient(transport, { middleware: [retry(), batching()] });
const text = (value: string): Uint8Array => new TextEncoder().encode(value);
const author = { name: 'Demo', email: 'demo@example.com' };

/** Runs one step, printing its time and a one-line summary of its result. */
async function step<T>(title: string, work: () => Promise<T>, summary: (result: T) => string): Promise<T> {
  const started = process.hrtime.bigint();
  const result = await work();
  const micros = Number(process.hrtime.bigint() - started) / 1000;
  console.log(`${title.padEnd(38)} ${micros.toFixed(0).padStart(7)} µs  ${summary(result)}`);
  return result;
}

console.log(`govc demo: HTTP/2 + MessagePack to ${baseUrl}\n`);
const repo = 'demo';
await step(
  'CreateRepository',
  () => client.createRepository({ repo }),
  (r) => `${r.repo} (default branch ${r.defaultBranch})`,
);

const watch = client.watchRefs({ repo, prefix: 'refs/heads/' })[Symbol.asyncIterator]();
const firstEvent = watch.next();

/** What the real git says the hash of `content` is, when git is installed. */
function gitHashObject(content: string): string {
  const git = spawnSync('git', ['hash-object', '--stdin'], { input: content, encoding: 'utf8' });
  return git.status === 0 ? git.stdout.trim() : 'git not found';
}
const blob = await step(
  'StoreBlob "hello\\n"',
  () => client.storeBlob({ repo, content: text('hello\n') }),
  (r) => `${r.hash} (${r.size} bytes; git hash-object: ${gitHashObject('hello\n') === r.hash ? 'same' : 'DIFFERENT'})`,
);
await step(
  'GetBlob',
  () => client.getBlob({ repo, hash: blob.hash }),
  (r) => JSON.stringify(new TextDecoder().decode(r.content)),
);

const first = await step(
  'Commit README.md + src/index.ts',
  () =>
    client.commit({
      repo,
      branch: 'main',
      message: 'Initial commit',
      author,
      changes: [
        { path: 'README.md', hash: blob.hash },
        { path: 'src/index.ts', content: text('export const answer = 42;\n') },
      ],
    }),
  (r) => `${r.hash} tree ${r.tree}`,
);
const event = await step(
  'WatchRefs event',
  () => firstEvent.then((r) => r.value!),
  (e) => `#${e.seq} ${e.name} ${e.oldHash || '(new)'} -> ${e.newHash}`,
);
await watch.return?.();

await step(
  'Commit (second)',
  () =>
    client.commit({ repo, branch: 'main', message: 'Add docs', author, changes: [{ path: 'docs/guide.md', content: text('# Guide\n') }] }),
  (r) => `${r.hash} parent ${r.parents[0]}`,
);
await step(
  'ListCommits main',
  () => client.listCommits({ repo, ref: 'main' }),
  (r) => r.commits.map((c) => `${c.hash.slice(0, 10)} ${c.message.trim()}`).join(' | '),
);
await step(
  'ListTree main (recursive)',
  () => client.listTree({ repo, ref: 'main', recursive: true }),
  (r) => r.entries.map((e) => e.path).join(', '),
);
await step(
  'ReadFile src/index.ts',
  () => client.readFile({ repo, ref: 'main', path: 'src/index.ts' }),
  (r) => JSON.stringify(new TextDecoder().decode(r.content)),
);

await step(
  '100 concurrent StoreBlob (batched)',
  () => Promise.all(Array.from({ length: 100 }, (_, i) => client.storeBlob({ repo, content: text(`file ${i}\n`) }))),
  (r) => `${r.length} blobs, e.g. ${r[0]!.hash}`,
);
await step(
  'BatchOperations (atomic)',
  () =>
    client.batchOperations({
      repo,
      atomic: true,
      operations: [
        { id: 'tag', method: 'UpdateRef', request: { name: 'refs/tags/v1', newHash: first.hash, expectedOldHash: '' } },
        { id: 'branch', method: 'UpdateRef', request: { name: 'refs/heads/release', newHash: first.hash, expectedOldHash: '' } },
        { id: 'refs', method: 'ListRefs', request: {} },
      ],
    }),
  (r) => r.results.map((x) => `${x.id}:${x.ok ? 'ok' : x.error!.code}`).join(' '),
);
await step(
  'ListRefs',
  () => client.listRefs({ repo }),
  (r) => r.refs.map((x) => x.name).join(', '),
);
// fetch() opens its own connection: the first GET pays for connecting (and loading fetch's
// HTTP/1.1 client), the second reuses the connection, as a tool that fetches often would.
const rawBlobUrl = `${baseUrl}/v1/repos/${repo}/blobs/${blob.hash}`;
const getRawBlob = async (): Promise<{ status: number; etag: string | null; body: string }> => {
  const response = await fetch(rawBlobUrl);
  return { status: response.status, etag: response.headers.get('etag'), body: await response.text() };
};
const showRawBlob = (r: { status: number; etag: string | null; body: string }): string =>
  `${r.status} etag ${r.etag} body ${JSON.stringify(r.body)}`;
await step('GET raw blob (fetch, new connection)', getRawBlob, showRawBlob);
await step('GET raw blob (fetch, kept alive)', getRawBlob, showRawBlob);

if (event.newHash !== first.hash) throw new Error('the WatchRefs event does not name the first commit');
await transport.close();
server.kill('SIGTERM');
await new Promise((resolve) => server.once('exit', resolve));
console.log('\ndone');
