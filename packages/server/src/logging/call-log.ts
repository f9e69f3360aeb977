import type { CallObserver, ServedCall } from '@govc/core/node';

/**
 * An observer that writes one JSON line per call: time, protocol, HTTP version, method, code,
 * latency, bytes, the limit hit if any, the repository (once the service validated its name),
 * the caller's token name and the peer's address. Nothing else of the request's headers or body
 * is logged, so neither a token nor data can leak into logs; the method is the binding's label
 * (`unknown` for a name the service does not have), so a client cannot write arbitrary text into
 * them either.
 */
export function createCallLog(write: (line: string) => void, now: () => number = Date.now): CallObserver {
  return function logCall(call: ServedCall): void {
    const entry: Record<string, unknown> = {
      time: new Date(now()).toISOString(),
      msg: 'call',
      protocol: call.protocol,
    };
    if (call.httpVersion !== undefined) entry.http = call.httpVersion;
    Object.assign(entry, {
      method: call.method,
      code: call.code,
      ms: Math.round(call.durationMs * 1000) / 1000,
      bytesIn: call.bytesIn,
      bytesOut: call.bytesOut,
    });
    if (call.limit !== undefined) entry.limit = call.limit;
    if (call.repo !== undefined) entry.repo = call.repo;
    if (call.caller !== undefined) entry.caller = call.caller;
    if (call.remoteAddress !== undefined) entry.remote = call.remoteAddress;
    write(`${JSON.stringify(entry)}\n`);
  };
}

/** One observer that hands each call to all of `observers`, in order. */
export function observeAll(...observers: readonly CallObserver[]): CallObserver {
  return function observeEach(call: ServedCall): void {
    for (const observer of observers) observer(call);
  };
}
