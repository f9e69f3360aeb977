import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createServeLog } from '../../src/cli/serve-log.js';
import { createCallLog } from '../../src/logging/call-log.js';
import { spawnCli } from '../fixtures/cli-process.js';

type Line = Record<string, unknown>;

/** The JSON lines of `text`, each checked to be one JSON object with `time` (ISO) and `msg` first, as the per-call lines. */
function jsonLines(text: string): Line[] {
  return text
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => {
      const parsed = JSON.parse(line) as Line;
      expect(Object.keys(parsed).slice(0, 2)).toEqual(['time', 'msg']);
      expect(new Date(parsed.time as string).toISOString()).toBe(parsed.time);
      return parsed;
    });
}

describe('the lines govc serve says about itself', () => {
  it('are JSON lines shaped as the per-call lines with --log json', () => {
    let out = '';
    let err = '';
    const io = { stdout: { write: (text: string) => (out += text) }, stderr: { write: (text: string) => (err += text) } };
    const now = () => Date.UTC(2025, 0, 2, 3, 4, 5, 6);
    const log = createServeLog(io, true, now);
    log.banner('listening', 'govc listening on …', { url: 'http://127.0.0.1:1' });
    log.note('closing', 'SIGTERM, closing', { signal: 'SIGTERM' });
    createCallLog(
      (line) => (err += line),
      now,
    )({ protocol: 'http', method: 'Health', code: 'ok', durationMs: 1, bytesIn: 0, bytesOut: 2 } as never);
    expect(out).toBe('{"time":"2025-01-02T03:04:05.006Z","msg":"listening","url":"http://127.0.0.1:1"}\n');
    const [closing, call] = err.split('\n');
    expect(closing).toBe('{"time":"2025-01-02T03:04:05.006Z","msg":"closing","signal":"SIGTERM"}');
    expect(call).toMatch(/^\{"time":"2025-01-02T03:04:05\.006Z","msg":"call",/);
  });

  it('are text without --log json', () => {
    let out = '';
    let err = '';
    const log = createServeLog(
      { stdout: { write: (text: string) => (out += text) }, stderr: { write: (text: string) => (err += text) } },
      false,
    );
    log.banner('listening', 'govc listening on …', { url: 'http://127.0.0.1:1' });
    log.note('closing', 'SIGTERM, closing', { signal: 'SIGTERM' });
    expect([out, err]).toEqual(['govc listening on …\n', 'govc: SIGTERM, closing\n']);
  });

  it('with --log json from a child process: the banner on stdout, the shutdown on stderr', async () => {
    await using govc = spawnCli(['serve', '--port', '0', '--log', 'json', '--memory-limit', '64MiB']);
    await govc.line(/^\{.*"msg":"listening".*\}\n/m);
    govc.child.kill('SIGTERM');
    expect(await govc.exited).toBe(0);
    const [banner, ...rest] = jsonLines(govc.stdout());
    expect(rest).toEqual([]);
    expect(banner).toEqual({
      time: banner!.time,
      msg: 'listening',
      url: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+$/),
      protocols: 'HTTP/1.1 + h2c',
      store: 'memory',
      durable: false,
      memoryLimit: 64 * 1024 ** 2,
      auth: 'loopback only',
    });
    expect(jsonLines(govc.stderr()).map(({ time: _time, ...line }) => line)).toEqual([
      { msg: 'closing', signal: 'SIGTERM' },
      { msg: 'closed' },
    ]);
  });

  it('with --log json on a data dir: created, then opened with its count of repositories', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'govc-log-'));
    try {
      for (const created of [true, false]) {
        await using govc = spawnCli(['serve', '--port', '0', '--log', 'json', '--data-dir', dataDir]);
        await govc.line(/^\{.*"msg":"listening".*\}\n/m);
        govc.child.kill('SIGINT');
        expect(await govc.exited).toBe(0);
        expect(jsonLines(govc.stdout())[0]).toMatchObject({
          msg: 'listening',
          store: 'disk',
          durable: true,
          dataDir,
          created,
          repositories: 0,
        });
      }
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });

  it('without --log json from a child process: text on both', async () => {
    await using govc = spawnCli(['serve', '--port', '0']);
    await govc.line(/^govc listening on /m);
    govc.child.kill('SIGTERM');
    expect(await govc.exited).toBe(0);
    expect(govc.stdout()).toMatch(
      /^govc listening on http:\/\/127\.0\.0\.1:\d+ \(HTTP\/1\.1 \+ h2c\) with store memory \(limit 1GiB; in memory, not durable: lost at exit\), no auth: loopback only\n$/,
    );
    expect(govc.stderr()).toBe(
      'govc: SIGTERM, closing: no new connections, in-flight calls finish (send it again to force)\ngovc: closed\n',
    );
  });
});
