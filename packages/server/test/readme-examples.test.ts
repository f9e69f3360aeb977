import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const root = fileURLToPath(new URL('../../..', import.meta.url));
const packageDir = fileURLToPath(new URL('..', import.meta.url));

/** Every `ts` block of the root README and of each package's README, with where it comes from. */
async function readmeExamples(): Promise<{ where: string; code: string }[]> {
  const readmes = ['README.md'];
  for (const name of (await readdir(join(root, 'packages'))).sort()) {
    if (existsSync(join(root, 'packages', name, 'README.md'))) readmes.push(`packages/${name}/README.md`);
  }
  const examples = [];
  for (const readme of readmes) {
    const text = await readFile(join(root, readme), 'utf8');
    let index = 0;
    for (const match of text.matchAll(/```ts\n([\s\S]*?)```/g)) examples.push({ where: `${readme} block ${++index}`, code: match[1]! });
  }
  return examples;
}

describe('README examples', () => {
  it('each compiles as written, imports included, against the packages as users import them', { timeout: 60_000 }, async () => {
    const examples = await readmeExamples();
    expect(examples.length).toBeGreaterThanOrEqual(4);
    // Inside this package, so that `@govc/*` resolve as they do for a user of them.
    const dir = await mkdtemp(join(packageDir, '.readme-examples-'));
    try {
      const files = examples.map((_, index) => `example-${index}.ts`);
      await Promise.all(
        examples.map((example, index) => writeFile(join(dir, files[index]!), `// ${example.where}\n${example.code}\nexport {};\n`)),
      );
      const tsconfig = { extends: '../../../tsconfig.base.json', compilerOptions: { noEmit: true, customConditions: ['source'] }, files };
      await writeFile(join(dir, 'tsconfig.json'), JSON.stringify(tsconfig));
      const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
      const result = await run(process.execPath, [tsc, '-p', dir], { cwd: dir }).catch((error: { stdout: string }) => error);
      const report = result.stdout.replace(/example-(\d+)\.ts/g, (_, index: string) => examples[Number(index)]!.where);
      expect(report).toBe('');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
