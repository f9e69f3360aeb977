import { connect, constants } from 'node:http2';
import type { PostMsgpack } from './bare-client.js';

/** One raw `node:http2` session to `url` and the `PostMsgpack` over it. */
export interface Http2Post {
  readonly post: PostMsgpack;
  close(): Promise<void>;
}

/** Opens one h2c session to `url` (bounded by 10 s); each call is a stream on it, its chunks collected. */
export async function http2Post(url: string): Promise<Http2Post> {
  const session = connect(url);
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no HTTP/2 session to ${url} within 10 s`)), 10_000);
    session.once('connect', () => {
      clearTimeout(timer);
      resolve();
    });
    session.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
  });
  return {
    post(method, body) {
      return new Promise((resolve, reject) => {
        const stream = session.request({
          [constants.HTTP2_HEADER_METHOD]: 'POST',
          [constants.HTTP2_HEADER_PATH]: `/v1/${method}`,
          'content-type': 'application/msgpack',
        });
        let status = 0;
        const chunks: Buffer[] = [];
        stream.once('response', (headers) => (status = Number(headers[constants.HTTP2_HEADER_STATUS])));
        stream.on('data', (chunk: Buffer) => chunks.push(chunk));
        stream.once('end', () => resolve({ status, body: chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks) }));
        stream.once('error', reject);
        stream.end(body);
      });
    },
    close: () => new Promise<void>((resolve) => session.close(() => resolve())),
  };
}
