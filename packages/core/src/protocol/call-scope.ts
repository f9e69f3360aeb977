import { GovcError } from '../errors/govc-error.js';
import { DeadlineWheel, type Expirable } from './deadline-wheel.js';

// Deadlines fire within 5 ms of their time; calls share one timer per 5 ms slot.
const deadlines = new DeadlineWheel(5);

// Shared so that finishing a call never builds an error (and its stack trace).
const finished = new GovcError('canceled', 'call finished');

/**
 * The life of one call that can end early: when the caller cancels, the deadline passes or the
 * caller goes away. Opened only for calls that pass a signal or deadline (and for streams),
 * never on the plain unary hot path; even then its `AbortController` is made only when the
 * handler reads `signal` or the call really ends early, since most calls finish long before
 * their deadline.
 */
export class CallScope implements Expirable {
  readonly #callerSignal: AbortSignal | undefined;
  #controller: AbortController | undefined;
  #endedWith: GovcError | undefined;
  #onEnd: ((error: GovcError) => void) | Set<(error: GovcError) => void> | undefined;
  #slot = -1;
  #onAbort: (() => void) | undefined;

  /** Opens a scope for a call with the caller's `signal` and absolute `deadline`. */
  constructor(callerSignal: AbortSignal | undefined, deadline: number | undefined) {
    this.#callerSignal = callerSignal;
    if (callerSignal) {
      const onAbort = (): void => this.end(new GovcError('canceled', 'call canceled by the caller', { cause: callerSignal.reason }));
      if (callerSignal.aborted) {
        onAbort();
        return;
      }
      this.#onAbort = onAbort;
      callerSignal.addEventListener('abort', onAbort, { once: true });
    }
    if (deadline !== undefined) {
      if (deadline <= Date.now()) this.expire();
      else this.#slot = deadlines.schedule(deadline, this);
    }
  }

  /** Ends the call at its deadline (called by the deadline wheel). */
  expire(): void {
    this.#slot = -1;
    this.end(new GovcError('deadline_exceeded', 'deadline exceeded'));
  }

  /** The handler's signal (made on first read). */
  get signal(): AbortSignal {
    if (!this.#controller) {
      this.#controller = new AbortController();
      if (this.#endedWith) this.#controller.abort(this.#endedWith);
    }
    return this.#controller.signal;
  }

  /** Whether the call has ended early. */
  get aborted(): boolean {
    return this.#endedWith !== undefined;
  }

  /** The error the call ended early with, or `undefined` while it has not. */
  get endedWith(): GovcError | undefined {
    return this.#endedWith;
  }

  /** Settles like `promise`, or rejects as soon as the call ends early (races may overlap). */
  race<T>(promise: Promise<T>): Promise<T> {
    if (this.#endedWith) {
      promise.catch(() => undefined); // the call is over: what the work does now goes unheard
      return Promise.reject(this.#endedWith);
    }
    return new Promise<T>((resolve, reject) => {
      this.#addWaiter(reject);
      promise.then(
        (value) => {
          this.#removeWaiter(reject);
          resolve(value);
        },
        (error: unknown) => {
          this.#removeWaiter(reject);
          reject(error);
        },
      );
    });
  }

  // One pending race is the rule (a unary call); a set is made only when races overlap (bidi).
  #addWaiter(waiter: (error: GovcError) => void): void {
    if (this.#onEnd === undefined) this.#onEnd = waiter;
    else if (this.#onEnd instanceof Set) this.#onEnd.add(waiter);
    else this.#onEnd = new Set([this.#onEnd, waiter]);
  }

  #removeWaiter(waiter: (error: GovcError) => void): void {
    if (this.#onEnd === waiter) this.#onEnd = undefined;
    else if (this.#onEnd instanceof Set) this.#onEnd.delete(waiter);
  }

  /** Ends the call early with `error` (only the first end counts). */
  end(error: GovcError): void {
    if (this.#endedWith) return;
    this.#endedWith = error;
    this.#controller?.abort(error);
    const waiters = this.#onEnd;
    this.#onEnd = undefined;
    if (waiters instanceof Set) for (const waiter of waiters) waiter(error);
    else waiters?.(error);
  }

  /** Releases the deadline and listener; with `stopHandler`, aborts the handler's signal if still running. */
  dispose(stopHandler = false): void {
    if (this.#slot >= 0) deadlines.cancel(this.#slot, this);
    if (this.#onAbort) this.#callerSignal?.removeEventListener('abort', this.#onAbort);
    if (stopHandler) this.end(finished);
  }
}
