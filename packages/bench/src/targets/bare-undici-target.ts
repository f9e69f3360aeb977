import { bareClient, baselineConnection } from '../baselines/bare-client.js';
import { baselineSupports } from '../baselines/baseline-workloads.js';
import { undiciPost } from '../baselines/undici-post.js';
import type { Target } from './target.js';

/** The client-overhead baseline of `http1`: a bare undici `Pool` and hand-encoded msgpack to the same `govc serve` child. */
export function bareUndiciTarget(): Target {
  return {
    name: 'bare-undici',
    about: 'baseline: a bare undici Pool (64 connections), msgpackr by hand, POST /v1/<Method> to govc serve',
    remote: true,
    variants: [{ codec: 'msgpack', gzip: false }],
    supports: baselineSupports,
    // Async so that a missing server rejects like every other failed connect.
    async connect(_variant, server) {
      if (!server) throw new Error('bare-undici calls a govc serve process');
      const { post, close } = undiciPost(server.url);
      return baselineConnection(bareClient(post), server.pid, close);
    },
  };
}
