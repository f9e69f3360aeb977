import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { link, lstat, mkdir, readdir, realpath, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { acquireDataDirLock } from '../../../src/store/disk/data-dir-lock.js';
import { useDiskFixture } from './disk-fixture.js';

const packageDir = fileURLToPath(new URL('../../..', import.meta.url));
const holderScript = 'test/store/disk/fixtures/hold-data-dir-lock.ts';

/** A child process running fixtures/hold-data-dir-lock.ts; killed after the test if still alive. */
interface Holder {
  readonly child: ChildProcess;
  /** The next line the child prints, or a rejection after `timeoutMs` or at its exit. */
  line(timeoutMs?: number): Promise<string>;
  readonly exited: Promise<number | NodeJS.Signals>;
  /** SIGKILL, then waits for the exit: what a crashed server leaves. */
  kill(): Promise<void>;
}

const children = new Set<ChildProcess>();
afterEach(async () => {
  for (const child of children) {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGKILL');
      await once(child, 'exit');
    }
  }
  children.clear();
});

function spawnHolder(dir: string, mode: 'hold' | 'idle', go?: 'go'): Holder {
  const child = spawn(process.execPath, ['--conditions=source', '--import', 'tsx', holderScript, dir, mode, ...(go ? [go] : [])], {
    cwd: packageDir,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  children.add(child);
  const exited = new Promise<number | NodeJS.Signals>((resolve) => child.once('exit', (code, signal) => resolve(code ?? signal ?? -1)));
  let out = '';
  let err = '';
  let taken = 0;
  const waiters = new Set<() => void>();
  child.stdout!.on('data', (chunk: Buffer) => {
    out += chunk.toString();
    for (const waiter of waiters) waiter();
  });
  child.stderr!.on('data', (chunk: Buffer) => (err += chunk.toString()));
  void exited.then(() => {
    for (const waiter of waiters) waiter();
  });
  return {
    child,
    exited,
    line(timeoutMs = 20_000) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => finish(new Error(`no line within ${timeoutMs} ms; stdout: ${out}; stderr: ${err}`)), timeoutMs);
        function check(): void {
          const lines = out.split('\n');
          if (lines.length - 1 > taken) finish(lines[taken++]!);
          else if (child.exitCode !== null || child.signalCode !== null)
            finish(new Error(`exited without a line; stdout: ${out}; stderr: ${err}`));
        }
        function finish(outcome: string | Error): void {
          clearTimeout(timer);
          waiters.delete(check);
          if (outcome instanceof Error) reject(outcome);
          else resolve(outcome);
        }
        waiters.add(check);
        check();
      });
    },
    async kill() {
      child.kill('SIGKILL');
      expect(await exited).toBe('SIGKILL');
    },
  };
}

/** A data directory whose lock a holder took and then died with, killed by SIGKILL. */
async function leftByKilledHolder(dir: string): Promise<void> {
  const holder = spawnHolder(dir, 'hold');
  expect(await holder.line()).toMatch(/^locked /);
  await holder.kill();
}

/** Leaves at `path` what a killed process leaves of a socket it listened on: a socket file nobody answers. */
async function deadSocketAt(path: string): Promise<void> {
  const server = createServer();
  const bound = `${path}.bound`;
  await new Promise<void>((resolve) => server.listen(bound, resolve));
  await link(bound, path);
  // Closing removes the bound name only; `path` stays, as a crash leaves it.
  await new Promise((resolve) => server.close(resolve));
}

describe('the data-directory lock', () => {
  const { dataDir } = useDiskFixture('govc-lock-');

  it('takes over the lock of a holder killed with SIGKILL', async () => {
    const dir = await dataDir();
    await leftByKilledHolder(dir);
    const lock = await acquireDataDirLock(dir);
    expect(lock.path).toBe(join(await realpath(dir), 'govc.lock'));
    expect((await lstat(lock.path)).isSocket()).toBe(true);
    await lock.release();
  });

  it('refuses, with failed_precondition, while the holder process lives', async () => {
    const dir = await dataDir();
    const holder = spawnHolder(dir, 'hold');
    const [, pid] = /^locked (\d+) /.exec(await holder.line())!;
    await expect(acquireDataDirLock(dir)).rejects.toMatchObject({
      code: 'failed_precondition',
      rawMessage: `data directory ${dir} is in use by another running govc store (lock ${join(await realpath(dir), 'govc.lock')}, held by pid ${pid})`,
    });
    await holder.kill();
    await (await acquireDataDirLock(dir)).release();
  });

  it('refuses a second lock in the same process, and grants it again after release', async () => {
    const dir = await dataDir();
    const first = await acquireDataDirLock(dir);
    await expect(acquireDataDirLock(dir)).rejects.toMatchObject({
      code: 'failed_precondition',
      message: expect.stringContaining('in use'),
    });
    await first.release();
    await first.release();
    expect(await readdir(dir)).toEqual([]);
    const second = await acquireDataDirLock(dir);
    // The first lock's second release must not have taken the second's socket.
    await first.release();
    await expect(acquireDataDirLock(dir)).rejects.toMatchObject({ code: 'failed_precondition' });
    await Promise.all([second.release(), second.release()]);
    expect(await readdir(dir)).toEqual([]);
  });

  it('replaces a pid file of the old format, even one naming a live process (pids are reused)', async () => {
    const dir = await dataDir();
    await writeFile(join(dir, 'govc.lock'), `${process.pid}\n`);
    const lock = await acquireDataDirLock(dir);
    expect((await lstat(lock.path)).isSocket()).toBe(true);
    await lock.release();
  });

  it('recovers a takeover guard left by a process killed in the middle of a takeover', async () => {
    const dir = await dataDir();
    const path = join(dir, 'govc.lock');
    await deadSocketAt(path);
    await deadSocketAt(join(dir, `govc.lock.takeover-${(await lstat(path, { bigint: true })).ino}`));
    const lock = await acquireDataDirLock(dir);
    expect(await readdir(dir)).toEqual(['govc.lock']);
    await lock.release();
  });

  it('leaves no takeover guard behind once the lock is taken', async () => {
    const dir = await dataDir();
    await deadSocketAt(join(dir, 'govc.lock.takeover-1234'));
    const lock = await acquireDataDirLock(dir);
    expect(await readdir(dir)).toEqual(['govc.lock']);
    await lock.release();
  });

  it('lets exactly one of twelve acquires in one process win a stale lock, twenty times over', async () => {
    const dir = await dataDir();
    for (let round = 0; round < 20; round++) {
      await deadSocketAt(join(dir, 'govc.lock'));
      const outcomes = await Promise.allSettled(Array.from({ length: 12 }, () => acquireDataDirLock(dir)));
      const won = outcomes.flatMap((outcome) => (outcome.status === 'fulfilled' ? [outcome.value] : []));
      const refused = outcomes.flatMap((outcome) => (outcome.status === 'rejected' ? [outcome.reason as unknown] : []));
      expect(won).toHaveLength(1);
      for (const error of refused)
        expect(error).toMatchObject({
          code: 'failed_precondition',
          rawMessage: expect.stringContaining('is in use by another running govc store'),
        });
      await won[0]!.release();
    }
  });

  it('lets exactly one of six processes racing on a stale lock win, three times over', { timeout: 120_000 }, async () => {
    const dir = await dataDir();
    await leftByKilledHolder(dir);
    for (let round = 0; round < 3; round++) {
      const racers = Array.from({ length: 6 }, () => spawnHolder(dir, 'hold', 'go'));
      for (const racer of racers) expect(await racer.line()).toBe('ready');
      for (const racer of racers) racer.child.stdin!.write('go\n');
      const outcomes = await Promise.all(racers.map((racer) => racer.line(15_000)));
      const winners = racers.filter((_, i) => outcomes[i]!.startsWith('locked '));
      expect(winners, outcomes.join('\n')).toHaveLength(1);
      for (const outcome of outcomes.filter((line) => !line.startsWith('locked '))) {
        expect(outcome).toMatch(/^refused failed_precondition data directory .* is in use by another running govc store/);
      }
      await winners[0]!.kill();
      await Promise.all(racers.map((racer) => racer.exited));
    }
  });

  it('does not keep a process alive: a child that takes the lock and nothing else exits by itself', async () => {
    const dir = await dataDir();
    const holder = spawnHolder(dir, 'idle');
    expect(await holder.line()).toMatch(/^locked /);
    expect(await Promise.race([holder.exited, new Promise((resolve) => setTimeout(resolve, 10_000, 'still running'))])).toBe(0);
    // It exited without releasing: the lock it left is stale.
    await (await acquireDataDirLock(dir)).release();
  });

  it.runIf(process.platform === 'linux')('locks a directory whose path is too long for a socket file with an abstract socket', async () => {
    const dir = join(await dataDir(), 'a-long-directory-name-'.repeat(6));
    await mkdir(dir);
    const holder = spawnHolder(dir, 'hold');
    const [, , path] = /^locked (\d+) (\S+)$/.exec(await holder.line())!;
    expect(path).toMatch(/^@govc-lock-[0-9a-f]{64}$/);
    await expect(acquireDataDirLock(dir)).rejects.toMatchObject({
      code: 'failed_precondition',
      message: expect.stringContaining(`data directory ${dir} is in use`),
    });
    await holder.kill();
    const lock = await acquireDataDirLock(dir);
    expect(lock.path).toBe(path);
    expect(await readdir(dir)).toEqual([]);
    await lock.release();
    await (await acquireDataDirLock(dir)).release();
  });
});
