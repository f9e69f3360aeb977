import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { createGovcService } from '@govc/service';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHttpBinding } from '../../src/index.js';
import { serveBinding, type BindingServer } from '../fixtures/binding-server.js';

const run = promisify(execFile);
const packageDir = fileURLToPath(new URL('../..', import.meta.url));

/**
 * The test runner keeps the event loop busy and so hides a close() that waits on something
 * unref'd: the client runs here in a process of its own, where nothing else keeps Node alive.
 */
describe('close() in a process with nothing else to do', () => {
  let server: BindingServer;
  beforeAll(async () => {
    server = await serveBinding(createHttpBinding(createGovcService()));
  });
  afterAll(async () => {
    await server[Symbol.asyncDispose]();
  });

  it.each([
    ['1.1', () => server.http1Url],
    ['2', () => server.http2Url],
  ] as const)('HTTP/%s: warmup, one call, close, and the process exits 0', async (version, url) => {
    const { stdout } = await run(
      process.execPath,
      ['--conditions=source', '--import', 'tsx', 'test/fixtures/close-after-call.ts', url(), version],
      {
        cwd: packageDir,
        timeout: 15_000,
      },
    );
    expect(stdout).toBe('called: SERVING\nclosed\n');
  });
});
