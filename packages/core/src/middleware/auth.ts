import { GovcError } from '../errors/govc-error.js';
import { withHeaders, type Middleware, type Next, type Call, type Reply } from './middleware.js';

/** A bearer token, or a function that returns the current one (called once per call, so it may refresh). */
export type BearerToken = string | (() => string | Promise<string>);

const authorization = 'authorization';

/** Runs `next` with the header once the token provider answers; a failing provider is `unauthenticated`. */
async function withToken(next: Next, call: Call, token: () => string | Promise<string>): Promise<Reply> {
  let value: string;
  try {
    value = await token();
  } catch (error) {
    throw GovcError.from(error, 'unauthenticated');
  }
  return next(withHeaders(call, { [authorization]: `Bearer ${value}` }));
}

/**
 * Sets `authorization: Bearer <token>` on every call, on every transport. A call that already
 * has an `authorization` header keeps it: a per-call credential wins over the client's.
 */
export function bearerAuth(token: BearerToken): Middleware {
  // A fixed token builds its header once, so the hot path allocates only the merged headers.
  const fixed = typeof token === 'string' ? Object.freeze({ [authorization]: `Bearer ${token}` }) : undefined;
  return function bearerAuthMiddleware(next) {
    return function bearerAuthCall(call) {
      if (call.headers?.[authorization] !== undefined) return next(call);
      if (fixed) return next(withHeaders(call, fixed));
      return withToken(next, call, token as () => string | Promise<string>);
    };
  };
}
