/**
 * The server-overhead baseline: the least a server can do for StoreBlob and BatchOperations of
 * StoreBlob over HTTP/1.1 and msgpack and still do the real work (decode, hash as git does, keep
 * the bytes, answer), plus the calls the bench's verification makes. Run as its own process by
 * `startMinimalServer`; it prints its port on stdout. Bench-only: never part of the product.
 */
import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { pack, unpack } from 'msgpackr';

// The bench's tests set this to prove that a server answering wrong hashes fails its cells.
const corrupt = process.env['BENCH_MINIMAL_CORRUPT'] === '1';

const repos = new Map<string, Map<string, Uint8Array>>();

class CallError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

function blobsOf(repo: unknown): Map<string, Uint8Array> {
  const blobs = typeof repo === 'string' ? repos.get(repo) : undefined;
  if (!blobs) throw new CallError(404, 'not_found', `no repository ${String(repo)}`);
  return blobs;
}

function storeBlob(blobs: Map<string, Uint8Array>, content: unknown): { hash: string; size: number } {
  if (!(content instanceof Uint8Array)) throw new CallError(400, 'invalid_argument', 'content must be bytes');
  const hash = corrupt ? 'f'.repeat(40) : createHash('sha1').update(`blob ${content.byteLength}\0`).update(content).digest('hex');
  blobs.set(hash, content);
  return { hash, size: content.byteLength };
}

type Request = Record<string, unknown>;

const methods = new Map<string, (request: Request) => unknown>(
  Object.entries({
    CreateRepository({ repo }) {
      if (typeof repo !== 'string' || repos.has(repo)) throw new CallError(409, 'already_exists', `repository ${String(repo)} exists`);
      repos.set(repo, new Map());
      return { repo, defaultBranch: 'main', createdAt: Date.now() };
    },
    DeleteRepository({ repo }) {
      blobsOf(repo);
      repos.delete(repo as string);
      return {};
    },
    StoreBlob: ({ repo, content }) => storeBlob(blobsOf(repo), content),
    BatchOperations({ repo, operations }) {
      const blobs = blobsOf(repo);
      if (!Array.isArray(operations)) throw new CallError(400, 'invalid_argument', 'operations must be a list');
      const results = operations.map((operation: { id?: unknown; method?: unknown; request?: { content?: unknown } }) => {
        if (operation.method !== 'StoreBlob') throw new CallError(501, 'unimplemented', `batched ${String(operation.method)}`);
        return { id: operation.id, method: 'StoreBlob', ok: true, response: storeBlob(blobs, operation.request?.content) };
      });
      return { results };
    },
    HasObjects({ repo, hashes }) {
      const blobs = blobsOf(repo);
      if (!Array.isArray(hashes)) throw new CallError(400, 'invalid_argument', 'hashes must be a list');
      return { present: hashes.map((hash) => blobs.has(hash as string)) };
    },
    GetBlob({ repo, hash }) {
      const content = blobsOf(repo).get(hash as string);
      if (!content) throw new CallError(404, 'not_found', `no blob ${String(hash)}`);
      return { hash, size: content.byteLength, content };
    },
  } satisfies Record<string, (request: Request) => unknown>),
);

function answer(request: IncomingMessage, response: ServerResponse, body: Buffer): void {
  try {
    const method = request.method === 'POST' && request.url?.startsWith('/v1/') ? methods.get(request.url.slice(4)) : undefined;
    if (!method) throw new CallError(404, 'not_found', `no route ${request.method} ${request.url}`);
    const reply = pack(method(unpack(body) as Request));
    response.writeHead(200, { 'content-type': 'application/msgpack', 'content-length': reply.byteLength }).end(reply);
  } catch (error) {
    const { status, code } = error instanceof CallError ? error : { status: 500, code: 'internal' };
    const reply = JSON.stringify({ code, message: error instanceof Error ? error.message : String(error) });
    response.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(reply) }).end(reply);
  }
}

const server = createServer((request, response) => {
  const chunks: Buffer[] = [];
  request.on('data', (chunk: Buffer) => chunks.push(chunk));
  request.on('end', () => answer(request, response, chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks)));
});
server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  process.stdout.write(`${typeof address === 'object' && address ? address.port : 0}\n`);
});
