import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../..', import.meta.url));
const run = promisify(execFile);

/** The `sh` block of `readme` (a path from the repository root) after `marker`, a command per line. */
async function commandsAfter(readme: string, marker: string): Promise<string[]> {
  const text = await readFile(`${root}/${readme}`, 'utf8');
  const at = text.indexOf(marker);
  expect(at, `${readme} has "${marker}"`).toBeGreaterThan(-1);
  const block = /```sh\n([\s\S]*?)```/.exec(text.slice(at))![1]!;
  const lines = block.trim().split('\n');
  expect(lines.every((line) => line.startsWith('curl '))).toBe(true);
  return lines;
}

/** Runs README curl lines in order from the repository root against `url`, `<hash>` standing for the last hash answered; their outputs. */
async function runCurlLines(lines: readonly string[], url: string): Promise<string[]> {
  let hash = '';
  const outputs: string[] = [];
  for (const line of lines) {
    const command = line.replaceAll('http://127.0.0.1:8080', url).replaceAll('<hash>', hash);
    const { stdout } = await run('bash', ['-c', `${command} --fail-with-body --silent --show-error --max-time 10`], { cwd: root });
    outputs.push(stdout);
    hash = /"hash":"([0-9a-f]{40})"/.exec(stdout)?.[1] ?? hash;
  }
  return outputs;
}

/** `node_modules/.bin/govc serve`, the command the READMEs give for process managers, as users run it: the built bin. */
async function serveGovc(): Promise<{ url: string } & AsyncDisposable> {
  const server: ChildProcess = spawn(`${root}/node_modules/.bin/govc`, ['serve', '--port', '0'], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<void>((resolve) => server.once('exit', () => resolve()));
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`no banner within 15 s: ${out}`)), 15_000);
    server.stderr!.on('data', (chunk: Buffer) => (out += chunk.toString()));
    server.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const match = /http:\/\/127\.0\.0\.1:\d+/.exec(out);
      if (match) {
        clearTimeout(timer);
        resolve(match[0]);
      }
    });
    void exited.then(() => reject(new Error(`govc serve exited: ${out}`)));
  });
  return {
    url,
    async [Symbol.asyncDispose]() {
      server.kill('SIGTERM');
      await exited;
    },
  };
}

describe('README commands, run against `node_modules/.bin/govc serve`', () => {
  it('the root README: the method list, a repository, a blob stored from a file and read back', async () => {
    await using govc = await serveGovc();
    const readme = await readFile(`${root}/README.md`, 'utf8');
    expect(readme).toContain('run `node_modules/.bin/govc serve` itself');
    const [description, created, stored, fetched] = (await runCurlLines(
      await commandsAfter('README.md', 'and these talk to it:'),
      govc.url,
    )) as [string, string, string, string];
    expect(JSON.parse(description).methods.map((method: { name: string }) => method.name)).toContain('Commit');
    expect(JSON.parse(created)).toMatchObject({ repo: 'demo', defaultBranch: 'main' });
    expect(JSON.parse(stored)).toMatchObject({ hash: expect.stringMatching(/^[0-9a-f]{40}$/) });
    const [head, body] = fetched.split('\r\n\r\n') as [string, string];
    expect(head).toMatch(/^HTTP\/1\.1 200/);
    expect(body).toBe(readme);
  });

  it('the server README: health over HTTP/1.1 and h2c, and a repository', async () => {
    await using govc = await serveGovc();
    const readme = await readFile(`${root}/packages/server/README.md`, 'utf8');
    expect(readme).toContain('`node_modules/.bin/govc serve` itself');
    const [health1, health2, created] = await runCurlLines(await commandsAfter('packages/server/README.md', 'Try it with:'), govc.url);
    expect([health1, health2]).toEqual(['ok', 'ok']);
    expect(JSON.parse(created!)).toMatchObject({ repo: 'demo' });
  });
});
