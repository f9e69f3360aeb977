import type { AnyMethod } from '@govc/core';
import type { CallObserver } from '@govc/core/node';

/** Options of `createHttpBinding`. */
export interface HttpBindingOptions {
  /**
   * The methods this binding routes, by wire name. Default: every method of
   * `govc.v1.GoVCService`; the conformance kit adds its own test methods.
   */
  readonly methods?: readonly AnyMethod[];
  /** Hears about every call served (the server's metrics). Default: none. */
  readonly observer?: CallObserver;
  /**
   * Largest request body or envelope payload, in bytes. Default 16 MiB: room for large unary
   * blobs while one call cannot make the server buffer without bound; bigger blobs stream.
   */
  readonly maxMessageBytes?: number;
  /** Largest size a gzip body may inflate to. Default 64 MiB, so a gzip bomb is cut off early. */
  readonly maxInflatedBytes?: number;
  /** Responses (and stream messages) above this many bytes are gzipped when the client accepts it. Default 1 KiB. */
  readonly compressionThreshold?: number;
  /**
   * Raw blob downloads are cacheable only privately (`Cache-Control: private`, `Vary:
   * Authorization`): set it when the handler is behind auth. Default false: `public`, as any
   * cache may keep content-addressed bytes that everyone may read.
   */
  readonly privateCache?: boolean;
}

/** The options with every field set. */
export interface ResolvedHttpBindingOptions {
  readonly methods: ReadonlyMap<string, AnyMethod>;
  readonly observer: CallObserver | undefined;
  readonly maxMessageBytes: number;
  readonly maxInflatedBytes: number;
  readonly compressionThreshold: number;
  readonly privateCache: boolean;
}
