import { existsSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serveUsage } from '../../src/cli/usage.js';
import { spawnCli } from '../fixtures/cli-process.js';

/** Runs `govc serve` on `dataDir` and expects it to fail to start: exit 1, the one line `message`, no stack trace. */
async function expectStartUpFailure(dataDir: string, message: string): Promise<void> {
  await using govc = spawnCli(['serve', '--port', '0', '--data-dir', dataDir]);
  expect(await govc.exited).toBe(1);
  expect(govc.stdout()).toBe('');
  expect(govc.stderr()).toBe(`govc: ${message}\n`);
}

describe('govc serve start-up failures, said in words', () => {
  let scratch: string;
  beforeAll(async () => {
    scratch = await mkdtemp(join(tmpdir(), 'govc-start-up-'));
  });
  afterAll(async () => {
    await rm(scratch, { recursive: true, force: true });
  });

  it('refuses a --data-dir that is a regular file', async () => {
    const file = join(scratch, 'a-file');
    await writeFile(file, 'not a store');
    await expectStartUpFailure(file, `--data-dir ${file} is a file, not a directory`);
  });

  it('refuses a --data-dir below a regular file', async () => {
    const file = join(scratch, 'another-file');
    await writeFile(file, 'not a store');
    await expectStartUpFailure(join(file, 'data'), `cannot create --data-dir ${join(file, 'data')}: ${file} is a file, not a directory`);
  });

  it('refuses a --data-dir where the file system takes no new directories, even for root', async () => {
    // /proc exists, but mkdir in it fails ENOENT for everyone (and a recursive mkdir never returns).
    await expectStartUpFailure(
      '/proc/govc-test/data',
      'cannot create --data-dir /proc/govc-test/data: /proc does not take new directories (ENOENT)',
    );
  });

  it.skipIf(!existsSync('/sys/kernel'))('refuses an existing --data-dir it cannot write to, even as root (/sys/kernel)', async () => {
    await expectStartUpFailure('/sys/kernel', '--data-dir /sys/kernel is not writable: permission denied (EACCES)');
  });

  // Root writes through mode bits, so chmod proves nothing there; the /sys case above covers root.
  it.skipIf(process.getuid?.() === 0)('refuses a --data-dir whose mode forbids writing (chmod 0555)', async () => {
    const readOnly = join(scratch, 'read-only');
    await mkdir(readOnly);
    await chmod(readOnly, 0o555);
    try {
      await expectStartUpFailure(readOnly, `--data-dir ${readOnly} is not writable: permission denied (EACCES)`);
    } finally {
      await chmod(readOnly, 0o755);
    }
  });

  it('creates a missing --data-dir with its parents, as --help says, and calls the store new', async () => {
    expect(serveUsage).toContain('created with its parents if missing');
    const dataDir = join(scratch, 'parent', 'child', 'data');
    await using govc = spawnCli(['serve', '--port', '0', '--data-dir', dataDir]);
    await govc.line(new RegExp(`with store disk \\(durable\\): created a new store at ${dataDir}, `));
    expect(existsSync(join(dataDir, 'repos'))).toBe(true);
    govc.child.kill('SIGTERM');
    expect(await govc.exited).toBe(0);
  });
});
