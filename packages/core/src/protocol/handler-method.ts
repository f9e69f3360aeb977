import { GovcError } from '../errors/govc-error.js';
import type { AnyHandler, HandlerContext } from '../handler.js';

/**
 * The function that serves method `name`; a handler that lacks it answers `unimplemented`, as a
 * server does for a method it does not offer (a transport may be given a partial handler).
 */
export function handlerMethod(handler: AnyHandler, name: string): (request: unknown, context: HandlerContext) => unknown {
  const fn = handler[name];
  if (typeof fn !== 'function') throw new GovcError('unimplemented', `method ${name} is not implemented`);
  return fn as (request: unknown, context: HandlerContext) => unknown;
}
