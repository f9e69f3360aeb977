import { GovcError } from '../errors/govc-error.js';

/**
 * The life of one call that can end early: a signal for the handler that aborts when the caller
 * cancels, the deadline passes or the caller goes away, and a promise that rejects then.
 * Created only for calls that pass a signal or deadline (and for streams), never on the
 * plain unary hot path.
 */
export interface CallScope {
  readonly signal: AbortSignal;
  /** Rejects with `canceled` or `deadline_exceeded` when the call ends early; never resolves. */
  readonly ended: Promise<never>;
  /** Ends the call early with `error` (idempotent). */
  end(error: GovcError): void;
  /** Releases the timer and listener; aborts the handler's signal if the call is still running. */
  dispose(): void;
}

/** Opens a scope for a call with the caller's `signal` and absolute `deadline`. */
export function openCallScope(signal: AbortSignal | undefined, deadline: number | undefined): CallScope {
  const controller = new AbortController();
  let reject!: (error: GovcError) => void;
  const ended = new Promise<never>((_, r) => (reject = r));
  ended.catch(() => undefined); // the race that awaits it may already be over
  let timer: ReturnType<typeof setTimeout> | undefined;
  const end = (error: GovcError): void => {
    if (controller.signal.aborted) return;
    controller.abort(error);
    reject(error);
  };
  const onAbort = (): void => end(new GovcError('canceled', 'call canceled by the caller', { cause: signal?.reason }));
  if (signal) {
    if (signal.aborted) onAbort();
    else signal.addEventListener('abort', onAbort, { once: true });
  }
  if (deadline !== undefined && !controller.signal.aborted) {
    const remaining = deadline - Date.now();
    if (remaining <= 0) end(new GovcError('deadline_exceeded', 'deadline exceeded'));
    else timer = setTimeout(() => end(new GovcError('deadline_exceeded', 'deadline exceeded')), remaining);
  }
  return {
    signal: controller.signal,
    ended,
    end,
    dispose() {
      if (timer !== undefined) clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      if (!controller.signal.aborted) controller.abort(new GovcError('canceled', 'call finished'));
    },
  };
}
