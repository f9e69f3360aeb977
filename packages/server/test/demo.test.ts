import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const packageDir = fileURLToPath(new URL('..', import.meta.url));
const run = promisify(execFile);

describe('the demo that `npm start` runs', () => {
  it('runs every step against its own `govc serve` and exits 0', { timeout: 60_000 }, async () => {
    const manifest = JSON.parse(await readFile(new URL('../package.json', import.meta.url), 'utf8')) as { scripts: { demo: string } };
    expect(manifest.scripts.demo).toBe('tsx demo/demo.ts');
    const { stdout } = await run(process.execPath, ['--import', 'tsx', 'demo/demo.ts'], { cwd: packageDir, timeout: 50_000 });
    for (const title of [
      'CreateRepository',
      'WatchRefs event',
      'BatchOperations (atomic)',
      'GET raw blob (fetch, new connection)',
      'GET raw blob (fetch, kept alive)',
    ]) {
      expect(stdout).toMatch(new RegExp(`^${title.replace(/[()]/g, '\\$&')} +\\d+ µs `, 'm'));
    }
    expect(stdout).toContain('tag:ok branch:ok refs:ok');
    expect(stdout.trimEnd().endsWith('done')).toBe(true);
  });
});
