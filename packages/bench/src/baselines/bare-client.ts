import type { GovcClient } from '@govc/core';
import { pack, unpack } from 'msgpackr';
import type { Connection } from '../targets/target.js';

/** The calls the baseline workloads make (StoreBlob, BatchOperations, and what sets up and verifies them). */
export type BaselineClient = Pick<
  GovcClient,
  'createRepository' | 'deleteRepository' | 'storeBlob' | 'batchOperations' | 'hasObjects' | 'getBlob'
>;

/** A status and a body, as a raw HTTP client hands them back. */
export interface PostReply {
  readonly status: number;
  readonly body: Uint8Array;
}

/** Sends one msgpack body as `POST /v1/<method>` and answers the reply: the seam a raw HTTP client fills. */
export type PostMsgpack = (method: string, body: Uint8Array) => Promise<PostReply>;

type Method = keyof BaselineClient;
type RequestOf<K extends Method> = Parameters<BaselineClient[K]>[0];
type ResponseOf<K extends Method> = Awaited<ReturnType<BaselineClient[K]>>;

/**
 * The calls the bench needs, hand-encoded as a careful user would without our client: msgpackr's
 * `pack` of the request (bytes travel as msgpack bin), `unpack` of a 200 body, and the JSON
 * `{code, message}` of any other status turned into an error.
 */
export function bareClient(post: PostMsgpack): BaselineClient {
  function unary<K extends Method>(method: string) {
    return async function callBare(request: RequestOf<K>): Promise<ResponseOf<K>> {
      const reply = await post(method, pack(request));
      if (reply.status !== 200) {
        const text = new TextDecoder().decode(reply.body);
        let error: { code?: string; message?: string } = {};
        try {
          error = JSON.parse(text) as typeof error;
        } catch {
          // Not our error body (a proxy's page, say): the status and the text say what happened.
        }
        throw new Error(`${method} answered ${reply.status} ${error.code ?? ''}: ${error.message ?? text.slice(0, 200)}`);
      }
      return unpack(reply.body) as ResponseOf<K>;
    };
  }
  return {
    createRepository: unary<'createRepository'>('CreateRepository'),
    deleteRepository: unary<'deleteRepository'>('DeleteRepository'),
    storeBlob: unary<'storeBlob'>('StoreBlob'),
    batchOperations: unary<'batchOperations'>('BatchOperations'),
    hasObjects: unary<'hasObjects'>('HasObjects'),
    getBlob: unary<'getBlob'>('GetBlob'),
  };
}

/**
 * A baseline's `Connection`. The one place a `BaselineClient` stands in for a `GovcClient`: the
 * baseline targets' `supports` keeps every workload that calls anything else away from them.
 */
export function baselineConnection(client: BaselineClient, serverPid: number, close: () => Promise<void>): Connection {
  return { client: client as GovcClient, serverPid, close };
}
