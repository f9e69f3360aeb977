import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseServeArgs } from '../src/cli/parse-serve-args.js';
import { runCli } from '../src/cli/run-cli.js';
import { mainUsage, serveUsage } from '../src/cli/usage.js';
import { curl } from './fixtures/clients.js';
import { makeCertificate } from './fixtures/certificate.js';
import { spawnCli } from './fixtures/cli-process.js';

/** Runs the CLI in process on `argv` (never `serve` without `--help`: that would listen). */
async function cli(...argv: string[]): Promise<{ status: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const status = await runCli(argv, {
    stdout: { write: (text: string) => (stdout += text) },
    stderr: { write: (text: string) => (stderr += text) },
  });
  return { status, stdout, stderr };
}

const banner =
  /^govc listening on (https?:\/\/127\.0\.0\.1:(\d+)) \((HTTP\/1\.1 \+ h2c|HTTP\/1\.1 \+ h2 via ALPN)\) with store memory \(limit (\w+); in memory, not durable: lost at exit\), no auth: loopback only\n/m;

describe('govc command line', () => {
  it('prints its usage for --help, and for serve --help', async () => {
    expect(await cli('--help')).toEqual({ status: 0, stdout: mainUsage, stderr: '' });
    expect(await cli('-h')).toEqual({ status: 0, stdout: mainUsage, stderr: '' });
    expect(await cli('serve', '--help')).toEqual({ status: 0, stdout: serveUsage, stderr: '' });
    expect(await cli('help', 'serve')).toEqual({ status: 0, stdout: serveUsage, stderr: '' });
    expect(serveUsage).toContain('--port PORT');
    expect(serveUsage).toContain('--memory-limit SIZE');
  });

  it('prints the version of @govc/server for --version, -v and version', async () => {
    const { version } = JSON.parse(await readFile(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
    for (const argv of [['--version'], ['-v'], ['version']])
      expect(await cli(...argv)).toEqual({ status: 0, stdout: `govc ${version}\n`, stderr: '' });
    expect(await cli('version', 'extra')).toMatchObject({
      status: 2,
      stderr: expect.stringMatching(/^govc: version takes no arguments, got "extra"\n/),
    });
    await using govc = spawnCli(['--version']);
    expect(await govc.exited).toBe(0);
    expect(govc.stdout()).toBe(`govc ${version}\n`);
  });

  it("shows the size flags' defaults in units they take", () => {
    for (const text of [
      '--memory-limit SIZE',
      '(default 1GiB)',
      '--max-header-bytes SIZE',
      '(default 16KiB)',
      '(default 16MiB)',
      '(default 64MiB)',
    ]) {
      expect(serveUsage).toContain(text);
    }
  });

  it('takes sizes with units in every size flag', () => {
    const args = parseServeArgs(['--max-message-bytes', '16MiB', '--max-header-bytes', '32kib', '--max-inflated-bytes', '1GB']);
    expect(args.limits).toEqual({ maxMessageBytes: 16 * 1024 ** 2, maxHeaderBytes: 32 * 1024, maxInflatedBytes: 1_000_000_000 });
    expect(parseServeArgs(['--memory-limit', '512KiB']).memoryLimit).toBe(512 * 1024);
    expect(parseServeArgs(['--memory-limit', '100B']).memoryLimit).toBe(100);
    expect(parseServeArgs(['--max-message-bytes', '4096']).limits.maxMessageBytes).toBe(4096);
  });

  it.each([
    [
      ['serve', '--max-mesage-bytes', '5'],
      'govc: unknown flag --max-mesage-bytes; did you mean --max-message-bytes?\nRun `govc serve --help` for usage.\n',
    ],
    [
      ['serve', '--max-mesage-bytes=5'],
      'govc: unknown flag --max-mesage-bytes; did you mean --max-message-bytes?\nRun `govc serve --help` for usage.\n',
    ],
    [['serve', '--port', '0', '--prot', '1'], 'govc: unknown flag --prot; did you mean --port?\nRun `govc serve --help` for usage.\n'],
    [['serve', '--verbose'], 'govc: unknown flag --verbose\nRun `govc serve --help` for usage.\n'],
    [['serve', '-x'], 'govc: unknown flag -x\nRun `govc serve --help` for usage.\n'],
    [['serv'], 'govc: unknown command "serv"; did you mean serve?\nRun `govc --help` for usage.\n'],
    [['sevre', '--port', '0'], 'govc: unknown command "sevre"; did you mean serve?\nRun `govc --help` for usage.\n'],
    [['verison'], 'govc: unknown command "verison"; did you mean version?\nRun `govc --help` for usage.\n'],
    [['help', 'serv'], 'govc: unknown command "serv"; did you mean serve?\nRun `govc --help` for usage.\n'],
    [['--verison'], 'govc: unknown flag --verison; did you mean --version?\nRun `govc --help` for usage.\n'],
    [['--port'], 'govc: unknown flag --port\nRun `govc --help` for usage.\n'],
  ])('says what %j most likely meant, exit status 2', async (argv, stderr) => {
    expect(await cli(...argv)).toEqual({ status: 2, stdout: '', stderr });
  });

  it.each([
    [[], /^Usage: govc <command>/],
    [['bogus'], /^govc: unknown command "bogus"\nRun `govc --help` for usage\.\n$/],
    [['serve', '--port', 'abc'], /^govc: --port must be a whole number from 0 to 65535, got "abc"\nRun `govc serve --help`/],
    [['serve', '--port', '65536'], /--port must be a whole number from 0 to 65535, got "65536"/],
    [['serve', '--port', '-1'], /--port/],
    [['serve', '--port'], /--port/],
    [['serve', '--memory-limit', '0'], /^govc: --memory-limit must be from 1B to 9007199254740991B, got "0" \(0 bytes\)\n/],
    [
      ['serve', '--memory-limit', '8388608GiB'],
      /^govc: --memory-limit "8388608GiB" is more than 9007199254740991 bytes; a size is a whole number of bytes, optionally with a unit/,
    ],
    [['serve', '--data-dir', 'x', '--memory-limit', '5'], /--memory-limit bounds the in-memory store; it does not go with --data-dir/],
    [['serve', '--data-dir', ''], /--data-dir must not be empty/],
    [['serve', 'extra'], /Unexpected argument 'extra'/],
    [['serve', '--host', ''], /--host must not be empty/],
    [
      ['serve', '--host', '0.0.0.0'],
      /without tokens \(--tokens FILE or GOVC_TOKENS\) govc serves this machine only; --host 0\.0\.0\.0 is not a loopback address/,
    ],
    [['serve', '--host', '::'], /--host :: is not a loopback address/],
    [['serve', '--tokens', ''], /--tokens must not be empty/],
    [['serve', '--log', 'text'], /--log must be json or off, got "text"/],
    [['serve', '--max-connections', '0'], /--max-connections must be a whole number from 1 to 1000000, got "0"/],
    [['serve', '--max-header-bytes', '10'], /^govc: --max-header-bytes must be from 1KiB to 1MiB, got "10" \(10 bytes\)\n/],
    [['serve', '--max-header-bytes', '2MiB'], /^govc: --max-header-bytes must be from 1KiB to 1MiB, got "2MiB" \(2097152 bytes\)\n/],
    [
      ['serve', '--max-message-bytes', 'lots'],
      /^govc: --max-message-bytes "lots" is not a number of bytes; a size is a whole number of bytes, optionally with a unit: KiB, MiB, GiB \(1024-based\) or KB, MB, GB \(1000-based\), e\.g\. 16MiB\n/,
    ],
    [['serve', '--max-message-bytes', '16XB'], /^govc: --max-message-bytes "16XB" has an unknown unit "XB"; /],
    [['serve', '--max-inflated-bytes=-1MiB'], /^govc: --max-inflated-bytes "-1MiB" is negative; /],
    [['serve', '--max-inflated-bytes', '1.5MiB'], /^govc: --max-inflated-bytes "1\.5MiB" has a fraction/],
    [['serve', '--idle-timeout-ms', '-5'], /--idle-timeout-ms/],
    [['serve', '--max-batch-ops', '1001'], /--max-batch-ops must be a whole number from 1 to 1000, got "1001"/],
    [['serve', '--tokens', '/nonexistent/tokens.json'], /cannot read --tokens \/nonexistent\/tokens\.json: ENOENT/],
    [['serve', '--tls-cert', 'cert.pem'], /--tls-cert and --tls-key go together/],
    [
      ['serve', '--tls-cert', '/nonexistent/cert.pem', '--tls-key', '/nonexistent/key.pem'],
      /cannot read --tls-cert \/nonexistent\/cert\.pem: ENOENT/,
    ],
  ])('refuses %j with a clear message and exit status 2', async (argv, message) => {
    const { status, stdout, stderr } = await cli(...argv);
    expect(status).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toMatch(message);
  });

  it('serves from a child process: banner with the real port, curl, SIGTERM exits 0', async () => {
    await using govc = spawnCli(['serve', '--port', '0', '--memory-limit', '2000']);
    const [, url, port, protocols, limit] = await govc.line(banner);
    expect([Number(port) > 0, protocols, limit]).toEqual([true, 'HTTP/1.1 + h2c', '2KB']);
    expect(govc.stdout().split('\n')).toHaveLength(2); // one line, then the end of it
    expect(await curl(`${url}/healthz`, ['--http2-prior-knowledge'])).toEqual({ status: 200, httpVersion: '2', body: 'ok' });
    const health = await curl(`${url}/v1/Health`, ['--http1.1', '-H', 'content-type: application/json', '-d', '{}']);
    expect(JSON.parse(health.body)).toMatchObject({ status: 'SERVING' });
    // The memory limit reached the store: a blob over it is resource_exhausted.
    await curl(`${url}/v1/CreateRepository`, ['-H', 'content-type: application/json', '-d', '{"repo":"r"}']);
    const big = await curl(`${url}/v1/repos/r/blobs`, ['-H', 'content-type: application/octet-stream', '--data-binary', 'x'.repeat(3000)]);
    expect([big.status, JSON.parse(big.body).code]).toEqual([429, 'resource_exhausted']);
    const metrics = (await curl(`${url}/metrics`)).body;
    expect(metrics).toContain('govc_store_repositories 1');
    expect(metrics).toContain('govc_store_limit_bytes 2000');
    expect(metrics).toMatch(/^govc_store_bytes \d+$/m);
    expect(metrics).toContain('govc_idempotency_evicted_early_total 0');
    expect(metrics).toContain('govc_limit_hits_total{limit="memory"} 1');
    govc.child.kill('SIGTERM');
    expect(await govc.exited).toBe(0);
    expect(govc.stderr()).toContain('SIGTERM');
  });

  it('takes tokens from GOVC_TOKENS, says so, and wants one on every call', async () => {
    const tokens = JSON.stringify({ tokens: [{ name: 'ci', token: 'ci-token-0123456789', repos: { '*': 'admin' } }] });
    await using govc = spawnCli(['serve', '--port', '0'], { GOVC_TOKENS: tokens });
    const [, url] = await govc.line(/^govc listening on (http:\/\/\S+) .*, auth by 1 token$/m);
    const create = ['-H', 'content-type: application/json', '-d', '{"repo":"r"}'];
    expect((await curl(`${url}/v1/CreateRepository`, create)).status).toBe(401);
    expect((await curl(`${url}/v1/CreateRepository`, [...create, '-H', 'authorization: Bearer ci-token-0123456789'])).status).toBe(200);
    govc.child.kill('SIGTERM');
    expect(await govc.exited).toBe(0);
  });

  it('logs one JSON line per call with --log json, and applies limit flags', async () => {
    await using govc = spawnCli(['serve', '--port', '0', '--log', 'json', '--max-message-bytes', '2KiB', '--max-batch-ops', '2']);
    const [, url] = await govc.line(/^\{"time":"[^"]+","msg":"listening","url":"(http:\/\/[^"]+)"/m);
    const create = await curl(`${url}/v1/CreateRepository`, ['-H', 'content-type: application/json', '-d', '{"repo":"r"}']);
    expect(create.status).toBe(200);
    const big = await curl(`${url}/v1/StoreBlob`, [
      '-H',
      'content-type: application/json',
      '-d',
      JSON.stringify({ repo: 'r', content: 'A'.repeat(4_000) }),
    ]);
    expect(big.status).toBe(429);
    const batch = { repo: 'r', operations: ['a', 'b', 'c'].map((id) => ({ id, method: 'GetRepository', request: {} })) };
    const tooMany = await curl(`${url}/v1/BatchOperations`, ['-H', 'content-type: application/json', '-d', JSON.stringify(batch)]);
    expect([tooMany.status, JSON.parse(tooMany.body).code]).toEqual([400, 'invalid_argument']);
    const metrics = await curl(`${url}/metrics`);
    expect(metrics.body).toContain('govc_limit_hits_total{limit="message_bytes"} 1');
    govc.child.kill('SIGTERM');
    expect(await govc.exited).toBe(0);
    const calls = govc
      .stderr()
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as Record<string, unknown>)
      .filter((line) => line.msg === 'call');
    expect(calls.map((c) => [c.method, c.code, c.limit])).toEqual([
      ['CreateRepository', 'ok', undefined],
      ['StoreBlob', 'resource_exhausted', 'message_bytes'],
      ['BatchOperations', 'invalid_argument', 'batch_ops'],
    ]);
  });

  it('refuses a malformed GOVC_TOKENS before it listens', async () => {
    await using govc = spawnCli(['serve', '--port', '0'], { GOVC_TOKENS: '{"tokens": [{"name": "x"}]}' });
    expect(await govc.exited).toBe(2);
    expect(govc.stderr()).toMatch(/GOVC_TOKENS: tokens\[0\]: give exactly one of "token" and "sha256"/);
  });

  it('serves TLS from a child process with --tls-cert and --tls-key', async () => {
    await using certificate = await makeCertificate();
    await using govc = spawnCli(['serve', '--port', '0', '--tls-cert', certificate.certPath, '--tls-key', certificate.keyPath]);
    const [, url, , protocols] = await govc.line(banner);
    expect([url!.startsWith('https://'), protocols]).toEqual([true, 'HTTP/1.1 + h2 via ALPN']);
    expect(await curl(`${url}/healthz`, ['-k', '--http2'])).toEqual({ status: 200, httpVersion: '2', body: 'ok' });
    expect(await curl(`${url}/healthz`, ['-k', '--http1.1'])).toEqual({ status: 200, httpVersion: '1.1', body: 'ok' });
    govc.child.kill('SIGINT');
    expect(await govc.exited).toBe(0);
  });

  it('keeps data across restarts with --data-dir, and refuses a second server on the same directory', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'govc-data-'));
    try {
      await using first = spawnCli(['serve', '--port', '0', '--data-dir', dataDir]);
      const firstBanner = await first.line(/^govc listening on (http:\/\/\S+) \(.*\) with store (disk .*)$/m);
      expect(firstBanner[2]).toBe(`disk (durable): created a new store at ${dataDir}, no auth: loopback only`);
      const url = firstBanner[1]!;
      await curl(`${url}/v1/CreateRepository`, ['-H', 'content-type: application/json', '-d', '{"repo":"kept"}']);
      const stored = await curl(`${url}/v1/repos/kept/blobs`, ['-H', 'content-type: application/octet-stream', '--data-binary', 'durable']);
      const { hash } = JSON.parse(stored.body) as { hash: string };
      await using second = spawnCli(['serve', '--port', '0', '--data-dir', dataDir]);
      expect(await second.exited).toBe(1);
      expect(second.stderr()).toMatch(
        new RegExp(
          `^govc: cannot open the store in ${dataDir}: \\[failed_precondition\\] data directory ${dataDir} is in use by another running govc store \\(lock .*, held by pid ${first.child.pid}\\)\n$`,
        ),
      );
      first.child.kill('SIGTERM');
      expect(await first.exited).toBe(0);

      await using again = spawnCli(['serve', '--port', '0', '--data-dir', dataDir]);
      const [, againUrl, store] = await again.line(/^govc listening on (http:\/\/\S+) \(.*\) with store (disk .*)$/m);
      expect(store).toBe(`disk (durable): opened the store at ${dataDir} (1 repository), no auth: loopback only`);
      expect((await curl(`${againUrl}/v1/repos/kept/blobs/${hash}`, [])).body).toBe('durable');
      again.child.kill('SIGTERM');
      expect(await again.exited).toBe(0);
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });

  it('exits 2 from a child process on a bad flag, and 1 when the port is taken', async () => {
    await using bad = spawnCli(['serve', '--port', 'nope']);
    expect(await bad.exited).toBe(2);
    expect(bad.stderr()).toMatch(/^govc: --port must be a whole number/);
    await using first = spawnCli(['serve', '--port', '0']);
    const [, , port] = await first.line(banner);
    await using second = spawnCli(['serve', '--port', port!]);
    expect(await second.exited).toBe(1);
    expect(second.stderr()).toMatch(new RegExp(`^govc: cannot listen on 127\\.0\\.0\\.1:${port}: .*EADDRINUSE`));
    first.child.kill('SIGTERM');
    expect(await first.exited).toBe(0);
  });
});
