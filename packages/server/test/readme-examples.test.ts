import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const root = fileURLToPath(new URL('../../..', import.meta.url));
const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');

interface Readme {
  /** From the repository root. */
  readonly path: string;
  /** The package whose dependencies its examples may import: its own, or this one (which depends on every package) for the root README. */
  readonly packageDir: string;
}

/** The root README and each package's. */
async function readmes(): Promise<Readme[]> {
  const found: Readme[] = [{ path: 'README.md', packageDir: join(root, 'packages', 'server') }];
  for (const name of (await readdir(join(root, 'packages'))).sort()) {
    const path = `packages/${name}/README.md`;
    if (existsSync(join(root, path))) found.push({ path, packageDir: join(root, 'packages', name) });
  }
  return found;
}

/** Typechecks `readme`'s `ts` blocks inside its package, so that imports resolve as they do for a user; tsc's report, `''` when clean. */
async function typecheckExamples(readme: Readme): Promise<{ blocks: number; report: string }> {
  const text = await readFile(join(root, readme.path), 'utf8');
  const blocks = [...text.matchAll(/```ts\n([\s\S]*?)```/g)].map((match) => match[1]!);
  if (blocks.length === 0) return { blocks: 0, report: '' };
  const dir = await mkdtemp(join(readme.packageDir, '.readme-examples-'));
  try {
    const files = blocks.map((_, index) => `example-${index}.ts`);
    await Promise.all(blocks.map((code, index) => writeFile(join(dir, files[index]!), `${code}\nexport {};\n`)));
    const tsconfig = { extends: '../../../tsconfig.base.json', compilerOptions: { noEmit: true, customConditions: ['source'] }, files };
    await writeFile(join(dir, 'tsconfig.json'), JSON.stringify(tsconfig));
    const result = await run(process.execPath, [tsc, '-p', dir], { cwd: dir }).catch((error: { stdout: string }) => error);
    return {
      blocks: blocks.length,
      report: result.stdout.replace(/example-(\d+)\.ts/g, (_, index: string) => `${readme.path} block ${Number(index) + 1}`),
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

describe('README examples', () => {
  it('each compiles as written, imports included, against the packages as users import them', { timeout: 120_000 }, async () => {
    let blocks = 0;
    for (const readme of await readmes()) {
      const checked = await typecheckExamples(readme);
      expect(checked.report, readme.path).toBe('');
      blocks += checked.blocks;
    }
    expect(blocks).toBeGreaterThanOrEqual(4);
  });
});
