import { bareHttp2Target } from './bare-http2-target.js';
import { bareUndiciTarget } from './bare-undici-target.js';
import { httpTarget } from './http-target.js';
import { inProcessTarget } from './in-process-target.js';
import { minimalServerTarget } from './minimal-server-target.js';
import type { Target } from './target.js';

/** Every target the bench knows, in table order: govc's, then the raw baselines. A transport package adds its own line here. */
export function allTargets(): Target[] {
  return [inProcessTarget(), httpTarget('1.1'), httpTarget('2'), bareUndiciTarget(), bareHttp2Target(), minimalServerTarget()];
}
