import { bareClient, baselineConnection } from '../baselines/bare-client.js';
import { baselineSupports } from '../baselines/baseline-workloads.js';
import { http2Post } from '../baselines/http2-post.js';
import type { Target } from './target.js';

/** The client-overhead baseline of `http2`: one bare `node:http2` session and hand-encoded msgpack to the same `govc serve` child. */
export function bareHttp2Target(): Target {
  return {
    name: 'bare-http2',
    about: 'baseline: one bare node:http2 session, msgpackr by hand, POST /v1/<Method> to govc serve',
    remote: true,
    variants: [{ codec: 'msgpack', gzip: false }],
    supports: baselineSupports,
    async connect(_variant, server) {
      if (!server) throw new Error('bare-http2 calls a govc serve process');
      const { post, close } = await http2Post(server.url);
      return baselineConnection(bareClient(post), server.pid, close);
    },
  };
}
