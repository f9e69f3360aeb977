import { execFile } from 'node:child_process';
import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { findBenchBin } from '../../src/cli/bench-command.js';
import { spawnCli } from '../fixtures/cli-process.js';

const run = promisify(execFile);
const work = await mkdtemp(join(tmpdir(), 'govc-bench-bin-'));
afterAll(() => rm(work, { recursive: true, force: true }));

async function fakeBin(dir: string): Promise<string> {
  await mkdir(dir, { recursive: true });
  const bin = join(dir, 'govc-bench');
  await writeFile(bin, '#!/bin/sh\n');
  await chmod(bin, 0o755);
  return bin;
}

describe('govc bench', () => {
  it('finds govc-bench in the nearest node_modules/.bin up from the working directory, then on PATH', async () => {
    const project = join(work, 'project');
    const nested = join(project, 'a', 'b');
    await mkdir(nested, { recursive: true });
    const onPath = await fakeBin(join(work, 'path-bin'));
    expect(findBenchBin(nested, `/nonexistent:${join(work, 'path-bin')}`)).toBe(onPath);
    const installed = await fakeBin(join(project, 'node_modules', '.bin'));
    expect(findBenchBin(nested, join(work, 'path-bin'))).toBe(installed);
    expect(findBenchBin(join(work, 'elsewhere'), '')).toBeUndefined();
  });

  it('runs the bench package’s own bin with its arguments, and says so when it is not installed', async () => {
    await using help = spawnCli(['bench', '--help']);
    expect(await help.exited).toBe(0);
    expect(help.stdout()).toMatch(/^Usage: govc-bench/);

    // Outside any project with the bench installed, and nothing on PATH: one line that says what is missing.
    const cli = fileURLToPath(new URL('../../src/cli.ts', import.meta.url));
    const tsx = pathToFileURL(fileURLToPath(new URL('../../../../node_modules/tsx/dist/loader.mjs', import.meta.url))).href;
    const outside = join(work, 'no-bench-here');
    await mkdir(outside, { recursive: true });
    const result = await run(process.execPath, ['--conditions=source', '--import', tsx, cli, 'bench', '--quick'], {
      cwd: outside,
      env: { PATH: '' },
    }).catch((error: { code: number; stderr: string }) => error);
    expect(result).toMatchObject({ code: 1 });
    expect((result as { stderr: string }).stderr).toMatch(
      /^govc: govc bench runs the bench matrix of @govc\/bench, which is not installed here/,
    );
  });
});
