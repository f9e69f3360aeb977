import { httpTarget } from './http-target.js';
import { inProcessTarget } from './in-process-target.js';
import type { Target } from './target.js';

/** Every target the bench knows, in table order. A transport package adds its own line here. */
export function allTargets(): Target[] {
  return [inProcessTarget(), httpTarget('1.1'), httpTarget('2')];
}
