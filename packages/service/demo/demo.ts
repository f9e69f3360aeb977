/**
 * The README's main command until the network server exists: the whole client stack (retry,
 * batching) against the real service through the in-process transport. It creates a repository,
 * stores blobs, commits, reads the log, runs a batch and sees a WatchRefs event, printing each
 * result with its time.
 */
import { spawnSync } from 'node:child_process';
import { batching, createClient, createInProcessTransport, retry } from '@govc/core';
import { createGovcService } from '@govc/service';

const service = createGovcService();
const transport = createInProcessTransport(service);
const client = createClient(transport, { middleware: [retry(), batching()] });
const text = (value: string): Uint8Array => new TextEncoder().encode(value);
const author = { name: 'Demo', email: 'demo@example.com' };

/** Runs one step, printing its time and a one-line summary of its result. */
async function step<T>(title: string, work: () => Promise<T>, summary: (result: T) => string): Promise<T> {
  const started = process.hrtime.bigint();
  const result = await work();
  const micros = Number(process.hrtime.bigint() - started) / 1000;
  console.log(`${title.padEnd(34)} ${micros.toFixed(0).padStart(7)} µs  ${summary(result)}`);
  return result;
}

console.log('govc demo: in-process transport, in-memory store\n');
const repo = 'demo';
await step('CreateRepository', () => client.createRepository({ repo }), (r) => `${r.repo} (default branch ${r.defaultBranch})`);

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
await step('GetBlob', () => client.getBlob({ repo, hash: blob.hash }), (r) => JSON.stringify(new TextDecoder().decode(r.content)));

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
const event = await step('WatchRefs event', () => firstEvent.then((r) => r.value!), (e) => `#${e.seq} ${e.name} ${e.oldHash || '(new)'} -> ${e.newHash}`);
await watch.return?.();

await step(
  'Commit (second)',
  () => client.commit({ repo, branch: 'main', message: 'Add docs', author, changes: [{ path: 'docs/guide.md', content: text('# Guide\n') }] }),
  (r) => `${r.hash} parent ${r.parents[0]}`,
);
await step('ListCommits main', () => client.listCommits({ repo, ref: 'main' }), (r) => r.commits.map((c) => `${c.hash.slice(0, 10)} ${c.message.trim()}`).join(' | '));
await step('ListTree main (recursive)', () => client.listTree({ repo, ref: 'main', recursive: true }), (r) => r.entries.map((e) => e.path).join(', '));
await step('ReadFile src/index.ts', () => client.readFile({ repo, ref: 'main', path: 'src/index.ts' }), (r) => JSON.stringify(new TextDecoder().decode(r.content)));

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
await step('ListRefs', () => client.listRefs({ repo }), (r) => r.refs.map((x) => x.name).join(', '));

if (event.newHash !== first.hash) throw new Error('the WatchRefs event does not name the first commit');
await transport.close();
await service.close();
console.log('\ndone');
