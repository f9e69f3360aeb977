import { execFileSync } from 'node:child_process';
import { constants, existsSync } from 'node:fs';
import { mkdtemp, open, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { createDiskStore } from '@govc/service';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { spawnCli } from '../fixtures/cli-process.js';

/** Waits until `check` holds, polling; fails naming `what` after `timeoutMs`. */
async function until(check: () => boolean, what: string, timeoutMs = 15_000): Promise<void> {
  for (const deadline = Date.now() + timeoutMs; !check(); await sleep(20)) {
    if (Date.now() > deadline) throw new Error(`${what} did not happen within ${timeoutMs} ms`);
  }
}

// A store whose one repository's record file is a FIFO: opening it blocks in the read of that
// record until the test writes it, a real condition (as a hung network mount) that keeps the
// store opening, with the data-dir lock held, for as long as the test wants.
describe('a signal while the store is opening', () => {
  let dataDir: string;
  let record: string;
  let recordText: string;
  beforeEach(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'govc-signal-'));
    const store = await createDiskStore({ dataDir });
    await store.createRepository({ name: 'slow', defaultBranch: 'main', createdAt: 1 });
    await store.close();
    record = join(dataDir, 'repos', 'slow.git', 'govc.json');
    recordText = await readFile(record, 'utf8');
    await rm(record);
    execFileSync('mkfifo', [record]);
  });
  afterEach(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  it.each([
    ['SIGTERM', [], 'govc: stopped during start-up (SIGTERM)\n'],
    ['SIGINT', ['--log', 'json'], /^\{"time":"\d{4}-\d\d-\d\dT[\d:.]+Z","msg":"stopped during start-up","signal":"SIGINT"\}\n$/],
  ] as const)('%s stops start-up, closes the store, releases the lock and exits 0 (%j)', async (signal, flags, said) => {
    await using govc = spawnCli(['serve', '--port', '0', '--data-dir', dataDir, ...flags]);
    // The lock is taken once the store is opening, after the CLI's signal handlers are in place.
    await until(() => existsSync(join(dataDir, 'govc.lock')), 'taking the data-dir lock');
    govc.child.kill(signal);
    await until(() => govc.stderr() !== '' || govc.child.exitCode !== null || govc.child.signalCode !== null, 'a line on stderr');
    // Still running: the signal stopped start-up rather than the process (Node's default: killed, 143).
    expect([govc.child.exitCode, govc.child.signalCode]).toEqual([null, null]);
    // Let the store finish opening: the CLI must then close it, which releases the lock.
    // Non-blocking: with no reader (the CLI gone) this fails ENXIO instead of waiting forever.
    const fifo = await open(record, constants.O_WRONLY | constants.O_NONBLOCK);
    await fifo.writeFile(recordText);
    await fifo.close();
    expect(await govc.exited).toBe(0);
    expect(govc.stdout()).toBe('');
    expect(govc.stderr()).toMatch(said);
    expect(existsSync(join(dataDir, 'govc.lock'))).toBe(false);
  });
});
