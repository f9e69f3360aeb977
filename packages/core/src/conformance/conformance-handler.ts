import { checkMessage } from '../schema/check.js';
import type { AnyHandler, HandlerContext, ServiceHandler } from '../handler.js';
import { EchoMessage } from './conformance-methods.js';

/** What the kit's handler observed, for assertions about the server side. */
export interface ServerProbe {
  /** DownloadBlob chunks the service produced so far (backpressure checks). */
  downloadChunksProduced: number;
  /** UploadBlob chunks the service has consumed so far. */
  uploadChunksConsumed: number;
  /** Server streams that ended because the caller went away or the deadline passed. */
  streamsCanceled: number;
}

/** The service plus the kit's own methods and probes. */
export function conformanceHandler(service: ServiceHandler, probe: ServerProbe): AnyHandler {
  return {
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
    UploadBlob(requests: AsyncIterable<never>, context: HandlerContext) {
      async function* counted(): AsyncGenerator<never> {
        for await (const message of requests) {
          probe.uploadChunksConsumed++;
          yield message;
        }
      }
      return service.UploadBlob(counted(), context);
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
}
