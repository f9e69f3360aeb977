import { lstatSync, mkdirSync, readdirSync, readFileSync, readlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportRepository, type RepositorySource, type SourceObject } from '../../src/export/export-repository.js';
import { encodeCommit, normalizeCommitMessage } from '../../src/objects/commit.js';
import { hashObject } from '../../src/objects/hash.js';
import type { ObjectType } from '../../src/objects/object-type.js';
import type { Signature } from '../../src/objects/signature.js';
import { encodeTree, type TreeEntryObject } from '../../src/objects/tree.js';
import { createGitSandbox, type GitSandbox } from '../objects/git-sandbox.js';

/** A tiny object store built with our encoders, as the service would build it. */
class History {
  readonly objects: SourceObject[] = [];
  add(type: ObjectType, body: Uint8Array): string {
    const hash = hashObject(type, body);
    this.objects.push({ hash, type, body });
    return hash;
  }
  blob(text: string | Uint8Array): string {
    return this.add('blob', typeof text === 'string' ? Buffer.from(text) : text);
  }
  tree(entries: TreeEntryObject[]): string {
    return this.add('tree', encodeTree(entries));
  }
  commit(tree: string, parents: string[], time: number, message: string): string {
    const who: Signature = { name: 'Ada Lovelace', email: 'ada@example.com', time, tzOffset: '+0100' };
    return this.add('commit', encodeCommit({ tree, parents, author: who, committer: who, message: normalizeCommitMessage(message) }));
  }
  source(refs: RepositorySource['refs'], head = 'refs/heads/main'): RepositorySource {
    const objects = this.objects;
    return {
      refs,
      head,
      async *objects() {
        yield* objects;
      },
    };
  }
}

let sandbox: GitSandbox;
beforeAll(() => {
  sandbox = createGitSandbox();
});
afterAll(() => sandbox.remove());

describe('exportRepository', () => {
  const history = new History();
  const readme1 = history.blob('# Demo\n');
  const readme2 = history.blob('# Demo\n\nSecond version.\n');
  const run = history.blob('#!/bin/sh\necho run\n');
  const lib = history.blob('export const x = 1;\n');
  const binary = history.blob(Uint8Array.from([0, 1, 2, 255, 0]));
  const unicode = history.blob('Zoë · 日本語 · 😀\n');
  const target = history.blob('README.md');
  const empty = history.blob('');
  const libTree = history.tree([{ mode: '100644', name: 'x.ts', hash: lib }]);
  const srcTree = history.tree([
    { mode: '40000', name: 'lib', hash: libTree },
    { mode: '100644', name: 'data.bin', hash: binary },
  ]);
  const binTree = history.tree([{ mode: '100755', name: 'run.sh', hash: run }]);
  const root = (readme: string, extra: TreeEntryObject[] = []): string =>
    history.tree([
      { mode: '100644', name: 'README.md', hash: readme },
      { mode: '40000', name: 'src', hash: srcTree },
      { mode: '40000', name: 'bin', hash: binTree },
      { mode: '120000', name: 'link', hash: target },
      { mode: '100644', name: 'empty.txt', hash: empty },
      ...extra,
    ]);
  const tree1 = root(readme1);
  const tree2 = root(readme2);
  const tree3 = root(readme1, [{ mode: '100644', name: 'ünï.txt', hash: unicode }]);
  const tree4 = root(readme2, [{ mode: '100644', name: 'ünï.txt', hash: unicode }]);
  const c1 = history.commit(tree1, [], 1_700_000_001, 'Initial commit');
  const c2 = history.commit(tree2, [c1], 1_700_000_002, 'Update README\n\nWith a body.');
  const c3 = history.commit(tree3, [c1], 1_700_000_003, 'Add ünï.txt');
  const c4 = history.commit(tree4, [c2, c3], 1_700_000_004, "Merge branch 'feature'");
  // A store may hand out an object more than once; the export writes it once.
  history.blob('# Demo\n');

  const refs = [
    { name: 'refs/heads/main', hash: c4 },
    { name: 'refs/heads/feature/x', hash: c3 },
    { name: 'refs/tags/v1', hash: c1 },
  ];
  let dir: string;
  beforeAll(async () => {
    dir = join(sandbox.dir, 'exported.git');
    await exportRepository(dir, history.source(refs));
  });

  it('passes git fsck --strict with nothing dangling or missing', () => {
    const result = sandbox.run(['fsck', '--strict', '--full'], { cwd: dir });
    expect(result.stderr).toBe('');
    expect(result.stdout).toBe('');
    expect(result.status).toBe(0);
  });

  it('lays out a bare repository', () => {
    expect(readFileSync(join(dir, 'HEAD'), 'utf8')).toBe('ref: refs/heads/main\n');
    expect(sandbox.git(['rev-parse', '--is-bare-repository'], { cwd: dir })).toBe('true');
    expect(readFileSync(join(dir, 'refs', 'heads', 'main'), 'utf8')).toBe(`${c4}\n`);
    expect(lstatSync(join(dir, 'objects', c1.slice(0, 2), c1.slice(2))).mode & 0o777).toBe(0o444);
    const objectFiles = readdirSync(join(dir, 'objects'), { recursive: true, withFileTypes: true }).filter((e) => e.isFile());
    expect(objectFiles).toHaveLength(new Set(history.objects.map((o) => o.hash)).size);
    expect(readdirSync(sandbox.dir).filter((name) => name.includes('.export-'))).toEqual([]);
  });

  it('has the history git log expects', () => {
    expect(sandbox.git(['log', '--format=%H', 'main'], { cwd: dir }).split('\n')).toEqual([c4, c3, c2, c1]);
    expect(sandbox.git(['log', '--first-parent', '--format=%H %s', 'main'], { cwd: dir }).split('\n')).toEqual([
      `${c4} Merge branch 'feature'`,
      `${c2} Update README`,
      `${c1} Initial commit`,
    ]);
    expect(sandbox.git(['rev-parse', 'HEAD', 'v1', 'feature/x'], { cwd: dir }).split('\n')).toEqual([c4, c1, c3]);
    expect(sandbox.git(['show-ref'], { cwd: dir }).split('\n')).toEqual([
      `${c3} refs/heads/feature/x`,
      `${c4} refs/heads/main`,
      `${c1} refs/tags/v1`,
    ]);
    expect(sandbox.git(['log', '-1', '--format=%an <%ae> %at %ai', c2], { cwd: dir })).toBe(
      'Ada Lovelace <ada@example.com> 1700000002 2023-11-14 23:13:22 +0100',
    );
  });

  it('shows the contents with git cat-file -p', () => {
    expect(sandbox.git(['cat-file', '-p', `${c4}:README.md`], { cwd: dir })).toBe('# Demo\n\nSecond version.');
    expect(sandbox.gitBytes(['cat-file', '-p', `${c4}:src/data.bin`], { cwd: dir })).toEqual(Buffer.from([0, 1, 2, 255, 0]));
    expect(sandbox.git(['cat-file', '-p', `${c1}:src/lib/x.ts`], { cwd: dir })).toBe('export const x = 1;');
    expect(sandbox.git(['cat-file', '-p', c4], { cwd: dir })).toContain(`parent ${c2}\nparent ${c3}\n`);
    expect(sandbox.git(['-c', 'core.quotePath=false', 'ls-tree', '-r', '--name-only', c4], { cwd: dir }).split('\n')).toEqual([
      'README.md',
      'bin/run.sh',
      'empty.txt',
      'link',
      'src/data.bin',
      'src/lib/x.ts',
      'ünï.txt',
    ]);
  });

  it('clones and checks out the files with their modes', () => {
    const work = join(sandbox.dir, 'clone');
    sandbox.git(['clone', '--quiet', dir, work], { cwd: sandbox.dir });
    expect(sandbox.git(['rev-parse', 'HEAD'], { cwd: work })).toBe(c4);
    expect(readFileSync(join(work, 'README.md'), 'utf8')).toBe('# Demo\n\nSecond version.\n');
    expect(readFileSync(join(work, 'ünï.txt'), 'utf8')).toBe('Zoë · 日本語 · 😀\n');
    expect(readFileSync(join(work, 'src', 'data.bin'))).toEqual(Buffer.from([0, 1, 2, 255, 0]));
    expect(readFileSync(join(work, 'empty.txt'), 'utf8')).toBe('');
    expect(lstatSync(join(work, 'bin', 'run.sh')).mode & 0o111).not.toBe(0);
    expect(readlinkSync(join(work, 'link'))).toBe('README.md');
    expect(sandbox.git(['status', '--porcelain'], { cwd: work })).toBe('');
  });
});

describe('exportRepository refuses', () => {
  const history = new History();
  const blob = history.blob('x\n');
  const tree = history.tree([{ mode: '100644', name: 'x', hash: blob }]);
  const commit = history.commit(tree, [], 1, 'c');
  const expectNoTrace = (parent: string): void => {
    expect(readdirSync(parent).filter((name) => name.includes('.export-'))).toEqual([]);
  };

  it('a non-empty target directory, leaving it alone', async () => {
    const dir = join(sandbox.dir, 'occupied');
    mkdirSync(dir);
    writeFileSync(join(dir, 'keep.txt'), 'mine');
    await expect(exportRepository(dir, history.source([{ name: 'refs/heads/main', hash: commit }]))).rejects.toMatchObject({
      code: 'already_exists',
    });
    expect(readdirSync(dir)).toEqual(['keep.txt']);
  });

  it('exports into an existing empty directory', async () => {
    const dir = join(sandbox.dir, 'empty-target');
    mkdirSync(dir);
    await exportRepository(dir, history.source([{ name: 'refs/heads/main', hash: commit }]));
    expect(sandbox.git(['log', '--format=%H'], { cwd: dir })).toBe(commit);
  });

  it('exports an unborn HEAD with no refs', async () => {
    const dir = join(sandbox.dir, 'unborn.git');
    await exportRepository(dir, new History().source([]));
    expect(sandbox.run(['fsck', '--strict'], { cwd: dir }).status).toBe(0);
    expect(sandbox.git(['symbolic-ref', 'HEAD'], { cwd: dir })).toBe('refs/heads/main');
  });

  it.each<[string, RepositorySource['refs'], string | undefined, string]>([
    ['a bad ref name', [{ name: 'refs/heads/../../config', hash: commit }], undefined, 'invalid_argument'],
    ['a ref outside refs/heads and refs/tags', [{ name: 'HEAD', hash: commit }], undefined, 'invalid_argument'],
    ['a malformed ref hash', [{ name: 'refs/heads/main', hash: 'abc' }], undefined, 'invalid_argument'],
    [
      'a ref given twice',
      [
        { name: 'refs/heads/main', hash: commit },
        { name: 'refs/heads/main', hash: commit },
      ],
      undefined,
      'invalid_argument',
    ],
    [
      'refs that would be a file and a directory',
      [
        { name: 'refs/heads/a', hash: commit },
        { name: 'refs/heads/a/b', hash: commit },
      ],
      undefined,
      'invalid_argument',
    ],
    ['a HEAD that is a tag', [], 'refs/tags/v1', 'invalid_argument'],
    ['a HEAD that is not a ref name', [], '../../etc', 'invalid_argument'],
    ['a ref to an object the source did not give', [{ name: 'refs/heads/main', hash: 'a'.repeat(40) }], undefined, 'data_loss'],
  ])('%s', async (_label, refs, head, code) => {
    const parent = join(sandbox.dir, 'refused');
    mkdirSync(parent, { recursive: true });
    const dir = join(parent, `repo-${code}-${refs.length}-${head ?? ''}`.replace(/[^a-z0-9-]/gi, '_'));
    await expect(exportRepository(dir, history.source(refs, head))).rejects.toMatchObject({ code });
    expect(readdirSync(parent)).not.toContain(dir.slice(parent.length + 1));
    expectNoTrace(parent);
  });

  it('an object that does not hash to its name, leaving no directory behind', async () => {
    const parent = join(sandbox.dir, 'corrupt');
    const bad = new History();
    bad.blob('fine');
    bad.objects.push({ hash: blob, type: 'blob', body: Buffer.from('not x\n') });
    await expect(exportRepository(join(parent, 'out.git'), bad.source([]))).rejects.toMatchObject({ code: 'data_loss' });
    expect(readdirSync(parent)).toEqual([]);
  });
});
