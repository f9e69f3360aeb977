import type { AnyMethod } from '@govc/core';
import { methodPathPrefix } from '../protocol/wire.js';
import type { ResolvedHttpTransportOptions } from './http-transport-options.js';
import type { InFlightCalls } from './in-flight-calls.js';
import type { WireClient } from './wire-client.js';

/** What every call of one transport shares: its resolved options, its connections and the count of calls running. */
export interface HttpCallRuntime {
  readonly options: ResolvedHttpTransportOptions;
  readonly wire: WireClient;
  /** Every call is counted from its start to its end, so that `close()` can wait for it. */
  readonly calls: InFlightCalls;
}

/** The route of `method`: `<base path>/v1/<Method>`. */
export function methodPath(options: ResolvedHttpTransportOptions, method: AnyMethod): string {
  return `${options.pathPrefix}${methodPathPrefix}${method.name}`;
}
