import type { AnyMethod } from '@govc/core';
import { methodPathPrefix } from '../protocol/wire.js';
import type { ResolvedHttpTransportOptions } from './http-transport-options.js';
import type { WireClient } from './wire-client.js';

/** What every call of one transport shares: its resolved options and its connections. */
export interface HttpCallRuntime {
  readonly options: ResolvedHttpTransportOptions;
  readonly wire: WireClient;
}

/** The route of `method`: `<base path>/v1/<Method>`. */
export function methodPath(options: ResolvedHttpTransportOptions, method: AnyMethod): string {
  return `${options.pathPrefix}${methodPathPrefix}${method.name}`;
}
