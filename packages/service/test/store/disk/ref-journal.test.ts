import { spawnSync } from 'node:child_process';
import { appendFile, mkdir, readFile, rm, stat, truncate, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { useDiskFixture } from './disk-fixture.js';
import { createDiskStore } from '../../../src/store/disk/create-disk-store.js';
import { Packr } from 'msgpackr';
import { frameHeaderBytes, sealFrame } from '../../../src/store/disk/log-frames.js';
import { RefJournal, type JournalState } from '../../../src/store/disk/ref-journal.js';
import { firstRefSeq } from '../../../src/store/ref-seq.js';
import { refJournalFile, repoTempDirName } from '../../../src/store/disk/repository-dir.js';
import type { OutcomeRecord } from '../../../src/store/storage.js';

const a = 'a'.repeat(40);
const b = 'b'.repeat(40);
const c = 'c'.repeat(40);
const now = 1_000_000;
const outcome = (id: string, expiresAt = now + 60_000): OutcomeRecord => ({
  id,
  expiresAt,
  data: new TextEncoder().encode(`outcome of ${id}`),
});

const { defer, dataDir, open } = useDiskFixture('govc-journal-');

/** A directory laid out as a repository's, for the journal alone. */
async function repoDir(): Promise<string> {
  const dir = await dataDir();
  await mkdir(join(dir, repoTempDirName));
  return dir;
}

async function openJournal(dir: string, initial = new Map<string, string>()): Promise<{ journal: RefJournal; state: JournalState }> {
  const opened = await RefJournal.open(dir, async () => initial, now);
  defer(() => opened.journal.close());
  return opened;
}

// The journal numbers a step's changes itself, on from the one before; it does not read their `seq`.
const plain = (state: JournalState) => ({ refs: Object.fromEntries(state.refs), outcomes: [...state.outcomes.keys()] });

describe('ref journal', () => {
  it('starts from the initial refs, then replays every step, refs and outcomes, after a reopen', async () => {
    const dir = await repoDir();
    const { journal, state } = await openJournal(dir, new Map([['refs/heads/main', a]]));
    expect(plain(state)).toEqual({ refs: { 'refs/heads/main': a }, outcomes: [] });
    const after = () => state;
    await journal.append(
      [
        { seq: 0, name: 'refs/heads/main', oldHash: a, newHash: b },
        { seq: 0, name: 'refs/tags/v1', oldHash: '', newHash: c },
      ],
      [outcome('k1')],
      after,
      now,
    );
    await journal.append([{ seq: 0, name: 'refs/tags/v1', oldHash: c, newHash: '' }], [outcome('k2')], after, now);
    await journal.append([], [outcome('k1', now + 1)], after, now);
    await journal.close();

    const reopened = await openJournal(dir, new Map([['refs/heads/ignored', a]]));
    expect(plain(reopened.state)).toEqual({ refs: { 'refs/heads/main': b }, outcomes: ['k1', 'k2'] });
    expect(reopened.state.outcomes.get('k1')?.expiresAt).toBe(now + 1);
  });

  it('cuts off a torn last frame (never acknowledged) and goes on appending after it', async () => {
    const dir = await repoDir();
    const { journal, state } = await openJournal(dir);
    await journal.append([{ seq: 0, name: 'refs/heads/main', oldHash: '', newHash: a }], [], () => state, now);
    const whole = (await stat(join(dir, refJournalFile))).size;
    await journal.append([{ seq: 0, name: 'refs/heads/main', oldHash: a, newHash: b }], [], () => state, now);
    await journal.close();
    // A crash in the middle of the second frame's write: its last bytes never reached the disk.
    await truncate(join(dir, refJournalFile), (await stat(join(dir, refJournalFile))).size - 3);

    const reopened = await openJournal(dir);
    expect(plain(reopened.state).refs).toEqual({ 'refs/heads/main': a });
    expect((await stat(join(dir, refJournalFile))).size).toBe(whole);
    await reopened.journal.append([{ seq: 0, name: 'refs/heads/dev', oldHash: '', newHash: c }], [], () => reopened.state, now);
    await reopened.journal.close();
    expect(plain((await openJournal(dir)).state).refs).toEqual({ 'refs/heads/main': a, 'refs/heads/dev': c });
  });

  it('stops at a frame whose checksum fails, as at a torn write', async () => {
    const dir = await repoDir();
    const { journal, state } = await openJournal(dir);
    await journal.append([{ seq: 0, name: 'refs/heads/main', oldHash: '', newHash: a }], [], () => state, now);
    await journal.close();
    const bytes = await readFile(join(dir, refJournalFile));
    // A whole-looking frame with garbage in it.
    const payload = Buffer.from('not a frame at all');
    const header = Buffer.alloc(8);
    header.writeUInt32BE(payload.length, 0);
    header.writeUInt32BE(12345, 4);
    await appendFile(join(dir, refJournalFile), Buffer.concat([header, payload]));
    expect(plain((await openJournal(dir)).state).refs).toEqual({ 'refs/heads/main': a });
    expect((await readFile(join(dir, refJournalFile))).equals(bytes)).toBe(true);
  });

  it('stops at zeros past the last frame, as a crash may leave where the file grew', async () => {
    const dir = await repoDir();
    const { journal, state } = await openJournal(dir);
    await journal.append([{ seq: 0, name: 'refs/heads/main', oldHash: '', newHash: a }], [], () => state, now);
    await journal.close();
    const bytes = await readFile(join(dir, refJournalFile));
    await appendFile(join(dir, refJournalFile), Buffer.alloc(4096));
    expect(plain((await openJournal(dir)).state).refs).toEqual({ 'refs/heads/main': a });
    expect((await readFile(join(dir, refJournalFile))).equals(bytes)).toBe(true);
  });

  it('refuses a journal whose first snapshot is unreadable (data_loss) instead of starting empty', async () => {
    const dir = await repoDir();
    await writeFile(join(dir, refJournalFile), Buffer.from('garbage that is no journal'));
    await expect(RefJournal.open(dir, async () => new Map(), now)).rejects.toMatchObject({ code: 'data_loss' });
  });

  it('treats an empty journal (a crash before its first snapshot) as none', async () => {
    const dir = await repoDir();
    await writeFile(join(dir, refJournalFile), '');
    const { state } = await openJournal(dir, new Map([['refs/heads/main', a]]));
    expect(plain(state).refs).toEqual({ 'refs/heads/main': a });
  });

  it('rewrites itself as one snapshot once large, dropping expired outcomes', async () => {
    const dir = await repoDir();
    const { journal, state } = await openJournal(dir);
    const big = new Uint8Array(256 * 1024);
    state.outcomes.set('old', { id: 'old', expiresAt: now - 1, data: big });
    // Each step replaces the one live outcome; 17 frames of 256 KiB pass the 4 MiB mark.
    for (let i = 0; i < 18; i++) {
      const record = { id: 'same', expiresAt: now + 60_000 + i, data: big };
      state.outcomes.set(record.id, record);
      await journal.append([{ seq: 0, name: 'refs/heads/main', oldHash: '', newHash: i % 2 ? a : b }], [record], () => state, now);
      state.refs.set('refs/heads/main', i % 2 ? a : b);
    }
    // One snapshot and the step after it.
    expect((await stat(join(dir, refJournalFile))).size).toBeLessThan(3 * 256 * 1024);
    await journal.close();
    const reopened = await openJournal(dir);
    expect([...reopened.state.outcomes.keys()]).toEqual(['same']);
    expect(reopened.state.outcomes.get('same')?.expiresAt).toBe(now + 60_000 + 17);
    expect(plain(reopened.state).refs).toEqual({ 'refs/heads/main': a });
  });
});

describe('ref journal change numbers', () => {
  it('numbers a new journal from firstRefSeq, keeps the count across reopens and reads back the changes since its snapshot', async () => {
    const dir = await repoDir();
    const { journal, state } = await openJournal(dir);
    const start = firstRefSeq(now);
    expect(state.lastSeq).toBe(start);
    await journal.append(
      [
        { seq: start + 1, name: 'refs/heads/main', oldHash: '', newHash: a },
        { seq: start + 2, name: 'refs/tags/v1', oldHash: '', newHash: b },
      ],
      [],
      () => state,
      now,
    );
    await journal.append([{ seq: start + 3, name: 'refs/tags/v1', oldHash: b, newHash: '' }], [], () => state, now);
    expect(await journal.recentChanges(10)).toEqual([
      { seq: start + 1, name: 'refs/heads/main', oldHash: '', newHash: a },
      { seq: start + 2, name: 'refs/tags/v1', oldHash: '', newHash: b },
      { seq: start + 3, name: 'refs/tags/v1', oldHash: b, newHash: '' },
    ]);
    expect((await journal.recentChanges(1)).map((change) => change.seq)).toEqual([start + 3]);
    expect(await journal.recentChanges(0)).toEqual([]);
    await journal.close();
    const reopened = await openJournal(dir);
    expect(reopened.state.lastSeq).toBe(start + 3);
    expect(await reopened.journal.recentChanges(10)).toHaveLength(3);
  });

  it('keeps the count through a compaction, which ends the changes it can read back', async () => {
    const dir = await repoDir();
    const { journal, state } = await openJournal(dir);
    const big = new Uint8Array(1024 * 1024);
    for (let i = 0; i < 6; i++) {
      const after = (): JournalState => ({ ...state, refs: new Map([['refs/heads/main', i % 2 ? a : b]]), lastSeq: state.lastSeq + 1 });
      await journal.append(
        [{ seq: 0, name: 'refs/heads/main', oldHash: i === 0 ? '' : i % 2 ? b : a, newHash: i % 2 ? a : b }],
        [outcome(`k${i}`)].map((o) => ({ ...o, data: big })),
        after,
        now,
      );
      state.lastSeq += 1;
      state.refs.set('refs/heads/main', i % 2 ? a : b);
    }
    await journal.close();
    const reopened = await openJournal(dir);
    expect(reopened.state.lastSeq).toBe(firstRefSeq(now) + 6);
    // The fifth step compacted the journal; only the sixth is after its snapshot.
    expect((await reopened.journal.recentChanges(10)).map((change) => change.seq)).toEqual([firstRefSeq(now) + 6]);
  });

  it('reads a journal written before change numbers (snapshot without lastSeq, steps as set and deleted)', async () => {
    const dir = await repoDir();
    const packr = new Packr({ useRecords: false, moreTypes: false });
    const frame = (value: object): Buffer => {
      const payload = packr.pack(value);
      const bytes = Buffer.alloc(frameHeaderBytes + payload.length);
      payload.copy(bytes, frameHeaderBytes);
      return sealFrame(bytes);
    };
    await writeFile(
      join(dir, refJournalFile),
      Buffer.concat([
        frame({ snapshot: true, set: [['refs/heads/main', a]], deleted: [], outcomes: [] }),
        frame({ snapshot: false, set: [['refs/heads/dev', b]], deleted: ['refs/heads/main'], outcomes: [] }),
      ]),
    );
    const { state, journal } = await openJournal(dir);
    expect(plain(state).refs).toEqual({ 'refs/heads/dev': b });
    expect(state.lastSeq).toBe(2);
    expect(await journal.recentChanges(10)).toEqual([
      { seq: 1, name: 'refs/heads/dev', oldHash: '', newHash: b },
      { seq: 2, name: 'refs/heads/main', oldHash: a, newHash: '' },
    ]);
  });
});

describe('disk store ref journal', () => {
  const record = { name: 'r', defaultBranch: 'main', createdAt: 1 };

  it('keeps outcome records with the ref steps and the creation they guard, across a restart', async () => {
    const dir = await dataDir();
    const first = await open(dir);
    const later = Date.now() + 60_000;
    await first.createRepository(record, [{ id: 'create', expiresAt: later, data: new Uint8Array([1]) }]);
    await first.updateRefs(
      'r',
      [{ name: 'refs/heads/main', newHash: a, expectedOldHash: '' }],
      [{ id: 'move', expiresAt: later, data: new Uint8Array([2]) }],
    );
    await first.updateRefs('r', [], [{ id: 'alone', expiresAt: later, data: new Uint8Array([3]) }]);
    await first.updateRefs('r', [], [{ id: 'expired', expiresAt: Date.now() - 1, data: new Uint8Array([4]) }]);
    // A failed compare-and-swap keeps nothing.
    await expect(
      first.updateRefs(
        'r',
        [{ name: 'refs/heads/main', newHash: b, expectedOldHash: '' }],
        [{ id: 'lost', expiresAt: later, data: new Uint8Array([5]) }],
      ),
    ).rejects.toMatchObject({ code: 'aborted' });
    await first.close();

    const second = await open(dir);
    expect(await second.getRef('r', 'refs/heads/main')).toBe(a);
    const kept = await second.outcomeRecords('r');
    expect(kept.map((o) => [o.id, [...o.data]])).toEqual([
      ['create', [1]],
      ['move', [2]],
      ['alone', [3]],
    ]);
  });

  it('rewrites a packed-refs that lags the journal (a crash before git could see the step)', async () => {
    const dir = await dataDir();
    const first = await open(dir);
    await first.createRepository(record);
    await first.updateRefs('r', [{ name: 'refs/heads/main', newHash: a, expectedOldHash: '' }]);
    await first.close();
    const packedRefs = join(dir, 'repos', 'r.git', 'packed-refs');
    await writeFile(packedRefs, '# pack-refs with: sorted \n');
    await open(dir);
    expect(await readFile(packedRefs, 'utf8')).toContain(`${a} refs/heads/main`);
  });

  it('takes the refs of a repository made before journals from its packed-refs', async () => {
    const dir = await dataDir();
    const first = await open(dir);
    await first.createRepository(record);
    await first.close();
    const repo = join(dir, 'repos', 'r.git');
    await rm(join(repo, refJournalFile));
    await writeFile(join(repo, 'packed-refs'), `# pack-refs with: sorted \n${b} refs/heads/main\n`);
    const second = await open(dir);
    expect(await second.listRefs('r', '')).toEqual([{ name: 'refs/heads/main', hash: b }]);
    expect(spawnSync('git', ['--git-dir', repo, 'for-each-ref', '--format=%(objectname) %(refname)'], { encoding: 'utf8' }).stdout).toBe(
      `${b} refs/heads/main\n`,
    );
  });

  it('lets close() wait for a write in flight', async () => {
    const dir = await dataDir();
    const store = await createDiskStore({ dataDir: dir });
    await store.createRepository(record);
    const write = store.updateRefs('r', [{ name: 'refs/heads/main', newHash: a, expectedOldHash: '' }]);
    await store.close();
    await expect(write).resolves.toHaveLength(1);
    const reopened = await open(dir);
    expect(await reopened.getRef('r', 'refs/heads/main')).toBe(a);
  });
});
