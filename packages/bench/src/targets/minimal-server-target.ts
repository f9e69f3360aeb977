import { bareClient, baselineConnection } from '../baselines/bare-client.js';
import { baselineSupports } from '../baselines/baseline-workloads.js';
import { startMinimalServer, type MinimalServerProcess } from '../baselines/minimal-server-process.js';
import { undiciPost } from '../baselines/undici-post.js';
import type { Target } from './target.js';

/** What the bench's tests vary; the defaults are the catalog's target. */
export interface MinimalServerTargetOptions {
  /** Default `minimal-server`. */
  readonly name?: string;
  /** Added to the server's environment (the tests' `BENCH_MINIMAL_CORRUPT=1`). Default none. */
  readonly env?: Readonly<Record<string, string>>;
}

/**
 * The server-overhead baseline: the bare undici client to `minimal-server` in its own process,
 * so that its server CPU per op sits next to govc's under the same client (`bare-undici`). One
 * process serves the whole run (warmed up like `govc serve`), started on the first connect.
 */
export function minimalServerTarget(options: MinimalServerTargetOptions = {}): Target {
  let server: Promise<MinimalServerProcess> | undefined;
  async function running(): Promise<MinimalServerProcess> {
    const current = await server?.catch(() => undefined);
    if (current?.running()) return current;
    server = startMinimalServer(options.env);
    return server;
  }
  return {
    name: options.name ?? 'minimal-server',
    about: 'baseline: the bare undici client to a minimal msgpack server in its own process (decode, SHA-1, a Map, answer)',
    remote: false,
    variants: [{ codec: 'msgpack', gzip: false }],
    supports: baselineSupports,
    async connect() {
      const { url, pid } = await running();
      const { post, close } = undiciPost(url);
      return baselineConnection(bareClient(post), pid, close);
    },
    async dispose() {
      const current = server;
      server = undefined;
      await (await current?.catch(() => undefined))?.close();
    },
  };
}
