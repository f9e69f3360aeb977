import { GovcError } from '../errors/govc-error.js';

/**
 * The life of one call that can end early: a signal for the handler that aborts when the caller
 * cancels, the deadline passes or the caller goes away, and a promise that rejects then.
 * Opened only for calls that pass a signal or deadline (and for streams), never on the plain
 * unary hot path; even then its `AbortController` is made only when the handler reads `signal`
 * or the call actually ends early, since most calls finish long before their deadline.
 */
export interface CallScope {
  /** The handler's signal (made on first read). */
  readonly signal: AbortSignal;
  /** Whether the call has ended early. */
  readonly aborted: boolean;
  /** Rejects with `canceled` or `deadline_exceeded` when the call ends early; never resolves. */
  readonly ended: Promise<never>;
  /** Ends the call early with `error` (only the first end counts). */
  end(error: GovcError): void;
  /** Releases the timer and listener; with `stopHandler`, aborts the handler's signal if still running. */
  dispose(stopHandler?: boolean): void;
}

// Shared so that finishing a call never builds an error (and its stack trace).
const finished = new GovcError('canceled', 'call finished');

/** Opens a scope for a call with the caller's `signal` and absolute `deadline`. */
export function openCallScope(callerSignal: AbortSignal | undefined, deadline: number | undefined): CallScope {
  let controller: AbortController | undefined;
  let endedWith: GovcError | undefined;
  let reject!: (error: GovcError) => void;
  const ended = new Promise<never>((_, r) => (reject = r));
  ended.catch(() => undefined); // the race that awaits it may already be over
  let timer: ReturnType<typeof setTimeout> | undefined;

  const end = (error: GovcError): void => {
    if (endedWith) return;
    endedWith = error;
    controller?.abort(error);
    reject(error);
  };
  const onAbort = (): void => end(new GovcError('canceled', 'call canceled by the caller', { cause: callerSignal?.reason }));
  if (callerSignal) {
    if (callerSignal.aborted) onAbort();
    else callerSignal.addEventListener('abort', onAbort, { once: true });
  }
  if (deadline !== undefined && !endedWith) {
    const remaining = deadline - Date.now();
    if (remaining <= 0) end(new GovcError('deadline_exceeded', 'deadline exceeded'));
    else timer = setTimeout(() => end(new GovcError('deadline_exceeded', 'deadline exceeded')), remaining);
  }
  return {
    get signal() {
      if (!controller) {
        controller = new AbortController();
        if (endedWith) controller.abort(endedWith);
      }
      return controller.signal;
    },
    get aborted() {
      return endedWith !== undefined;
    },
    ended,
    end,
    dispose(stopHandler = false) {
      if (timer !== undefined) clearTimeout(timer);
      callerSignal?.removeEventListener('abort', onAbort);
      if (stopHandler) end(finished);
    },
  };
}
