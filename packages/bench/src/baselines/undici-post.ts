import { Pool } from 'undici';
import type { PostMsgpack } from './bare-client.js';

/** A raw undici `Pool` to `url` and the `PostMsgpack` over it. */
export interface UndiciPost {
  readonly post: PostMsgpack;
  close(): Promise<void>;
}

/**
 * `pool.request()` on a keep-alive `Pool` of 64 connections, as our HTTP/1.1 target opens, so
 * that the 64-in-flight workloads are in flight at once here too; the reply read with
 * `body.arrayBuffer()`.
 */
export function undiciPost(url: string): UndiciPost {
  const pool = new Pool(url, { connections: 64, pipelining: 1, connect: { noDelay: true, keepAlive: true } });
  return {
    async post(method, body) {
      const reply = await pool.request({
        method: 'POST',
        path: `/v1/${method}`,
        headers: { 'content-type': 'application/msgpack' },
        body,
      });
      return { status: reply.statusCode, body: new Uint8Array(await reply.body.arrayBuffer()) };
    },
    close: () => pool.close(),
  };
}
