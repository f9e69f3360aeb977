import type { AnyHandler, HandlerContext, ServiceHandler } from '../handler.js';
import { checkMessage } from '../schema/check.js';
import type { CallHeaders } from '../transport.js';
import { EchoMessage } from './conformance-methods.js';

/** What the kit's handler observed, for assertions about the server side. */
export interface ServerProbe {
  /** DownloadBlob chunks the service produced so far (backpressure checks). */
  downloadChunksProduced: number;
  /** UploadBlob messages the service has consumed so far (client streams must flow as sent). */
  uploadChunksConsumed: number;
  /** Streams, either way, that ended because the caller went away or the deadline passed. */
  streamsCanceled: number;
  /** The request headers of the last call of each method, as the handler saw them. */
  readonly headersSeen: Record<string, CallHeaders>;
}

export function createServerProbe(): ServerProbe {
  return { downloadChunksProduced: 0, uploadChunksConsumed: 0, streamsCanceled: 0, headersSeen: {} };
}

type HandlerFn = (request: unknown, context: HandlerContext) => unknown;

/** The service plus the kit's own methods and probes. */
export function conformanceHandler(service: ServiceHandler, probe: ServerProbe): AnyHandler {
  const handler: AnyHandler = {
    ...service,
    async *DownloadBlob(request: never, context: HandlerContext) {
      try {
        for await (const chunk of service.DownloadBlob(request, context)) {
          probe.downloadChunksProduced++;
          yield chunk;
        }
      } finally {
        if (context.signal?.aborted) probe.streamsCanceled++;
      }
    },
    async UploadBlob(requests: AsyncIterable<never>, context: HandlerContext) {
      async function* counted(): AsyncGenerator<never> {
        for await (const message of requests) {
          probe.uploadChunksConsumed++;
          yield message;
        }
      }
      try {
        return await service.UploadBlob(counted(), context);
      } finally {
        if (context.signal?.aborted) probe.streamsCanceled++;
      }
    },
    async *WatchRefs(request: never, context: HandlerContext) {
      try {
        yield* service.WatchRefs(request, context);
      } finally {
        if (context.signal?.aborted) probe.streamsCanceled++;
      }
    },
    async *EchoBidi(requests: AsyncIterable<unknown>) {
      for await (const message of requests) {
        checkMessage(EchoMessage, message);
        yield message;
      }
    },
  };
  return recordingHeaders(handler, probe);
}

/** Wraps every method so that the probe learns the headers each call arrived with. */
function recordingHeaders(handler: AnyHandler, probe: ServerProbe): AnyHandler {
  const wrapped: Record<string, HandlerFn> = {};
  for (const [name, fn] of Object.entries(handler)) {
    if (!fn) continue;
    const method = fn as HandlerFn;
    wrapped[name] = (request, context) => {
      probe.headersSeen[name] = context.headers;
      return method.call(handler, request, context);
    };
  }
  return wrapped as unknown as AnyHandler;
}
