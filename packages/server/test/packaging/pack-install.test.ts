import { execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { copyFile, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const root = fileURLToPath(new URL('../../../..', import.meta.url));
const bootstrapped = join(root, '.tools', 'node_modules', '.bin', 'pnpm');
const pnpm = existsSync(bootstrapped) ? bootstrapped : 'pnpm';
const tsx = join(root, 'node_modules', 'tsx', 'dist', 'cli.mjs');
const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');

interface PackageJson {
  readonly name: string;
  readonly version: string;
  readonly private?: boolean;
}

/** The workspace's publishable packages, read from `packages/*`: a new package is packed without an edit here. */
async function workspacePackages(): Promise<{ dir: string; manifest: PackageJson }[]> {
  const dirs = await readdir(join(root, 'packages'));
  const found = [];
  for (const name of dirs.sort()) {
    const dir = join(root, 'packages', name);
    if (!existsSync(join(dir, 'package.json'))) continue;
    const manifest = JSON.parse(await readFile(join(dir, 'package.json'), 'utf8')) as PackageJson;
    if (!manifest.private) found.push({ dir, manifest });
  }
  return found;
}

const work = await mkdtemp(join(tmpdir(), 'govc-pack-'));
afterAll(() => rm(work, { recursive: true, force: true }));

describe('the packages outside the monorepo', () => {
  it(
    'pack, install offline into a project of their own, typecheck and run the quick start and `govc serve` there',
    { timeout: 180_000 },
    async () => {
      const packages = await workspacePackages();
      expect(packages.map((entry) => entry.manifest.name)).toEqual(
        expect.arrayContaining(['@govc/core', '@govc/service', '@govc/transport-http', '@govc/server']),
      );
      const tarballs = join(work, 'tarballs');
      const tarballOf: Record<string, string> = {};
      for (const { dir, manifest } of packages) {
        await run(pnpm, ['pack', '--pack-destination', tarballs], { cwd: dir });
        tarballOf[manifest.name] = `file:${join(tarballs, `${manifest.name.slice(1).replace('/', '-')}-${manifest.version}.tgz`)}`;
      }
      const rootManifest = JSON.parse(await readFile(join(root, 'package.json'), 'utf8')) as { devDependencies: Record<string, string> };

      // A project that knows nothing of the repository: its own directory under the OS temp dir,
      // the packages from their tarballs (their dependencies on each other too), the rest from pnpm's store.
      const app = join(work, 'app');
      await run('mkdir', ['-p', app]);
      await writeFile(
        join(app, 'package.json'),
        JSON.stringify({
          name: 'app',
          private: true,
          type: 'module',
          dependencies: { ...tarballOf, '@types/node': rootManifest.devDependencies['@types/node'] },
        }),
      );
      const overrides = Object.entries(tarballOf).map(([name, spec]) => `  "${name}": "${spec}"`);
      await writeFile(
        join(app, 'pnpm-workspace.yaml'),
        ['overrides:', ...overrides, 'allowBuilds:', '  msgpackr-extract: true', ''].join('\n'),
      );
      await run(pnpm, ['install', '--offline', '--reporter=append-only'], { cwd: app });
      for (const name of Object.keys(tarballOf)) {
        expect(existsSync(join(app, 'node_modules', name, 'dist')), `${name} ships dist/`).toBe(true);
      }

      await copyFile(join(root, 'packages', 'service', 'examples', 'quick-start.ts'), join(app, 'quick-start.ts'));
      await writeFile(
        join(app, 'main.ts'),
        [
          "import { client, hash } from './quick-start.js';",
          "const file = await client.readFile({ repo: 'demo', ref: 'main', path: 'README.md' });",
          'console.log(JSON.stringify({ hash, content: new TextDecoder().decode(file.content) }));',
          '',
        ].join('\n'),
      );
      await writeFile(
        join(app, 'tsconfig.json'),
        JSON.stringify({
          compilerOptions: {
            target: 'es2022',
            module: 'nodenext',
            moduleResolution: 'nodenext',
            strict: true,
            noEmit: true,
            skipLibCheck: false,
            types: ['node'],
          },
          include: ['*.ts'],
        }),
      );
      await run(process.execPath, [tsc, '-p', app], { cwd: app });
      const { stdout } = await run(process.execPath, [tsx, 'main.ts'], { cwd: app });
      expect(JSON.parse(stdout)).toEqual({ hash: expect.stringMatching(/^[0-9a-f]{40}$/), content: '# Demo\n' });

      const version = await run(join(app, 'node_modules', '.bin', 'govc'), ['--version'], { cwd: app });
      expect(version.stdout.trim()).toContain(packages.find((entry) => entry.manifest.name === '@govc/server')!.manifest.version);
      const server = spawn(join(app, 'node_modules', '.bin', 'govc'), ['serve', '--port', '0'], {
        cwd: app,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      const exited = new Promise<number | null>((resolve) => server.once('exit', (code) => resolve(code)));
      try {
        const url = await new Promise<string>((resolve, reject) => {
          let out = '';
          const timer = setTimeout(() => reject(new Error(`no banner within 15 s: ${out}`)), 15_000);
          server.stdout.on('data', (chunk: Buffer) => {
            out += chunk.toString();
            const match = /http:\/\/127\.0\.0\.1:\d+/.exec(out);
            if (match) {
              clearTimeout(timer);
              resolve(match[0]);
            }
          });
          server.stderr.on('data', (chunk: Buffer) => (out += chunk.toString()));
          void exited.then((code) => reject(new Error(`govc serve exited with ${code}: ${out}`)));
        });
        const health = await fetch(`${url}/v1/Health`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
        expect(await health.json()).toMatchObject({ status: 'SERVING' });
      } finally {
        server.kill('SIGTERM');
      }
      expect(await exited).toBe(0);
    },
  );
});
