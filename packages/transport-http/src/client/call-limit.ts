import { GovcError, type CallOptions } from '@govc/core';

// setTimeout fires at once for delays past 2^31-1 ms (~24.8 days); longer deadlines re-arm.
const maxTimerMs = 2 ** 31 - 1;

// `govc-timeout-ms` carries at most 10 digits.
const maxTimeoutHeaderMs = 9_999_999_999;

/**
 * The end of a call that can end early: the caller's signal or its deadline. Opened only for
 * calls that pass either, so a plain call makes no `AbortController`, timer or listener. Its
 * `signal` aborts the request on the wire; `error` is what the caller sees once it did.
 */
export class CallLimit {
  readonly #controller = new AbortController();
  readonly #callerSignal: AbortSignal | undefined;
  readonly #deadline: number | undefined;
  #onCallerAbort: (() => void) | undefined;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #error: GovcError | undefined;

  /** A limit for `options`, or `undefined` when the call has neither signal nor deadline. */
  static open(options: CallOptions | undefined): CallLimit | undefined {
    if (options === undefined || (options.signal === undefined && options.deadline === undefined)) return undefined;
    return new CallLimit(options.signal, options.deadline);
  }

  private constructor(callerSignal: AbortSignal | undefined, deadline: number | undefined) {
    this.#callerSignal = callerSignal;
    this.#deadline = deadline;
    if (callerSignal?.aborted) {
      this.#end(canceled(callerSignal));
      return;
    }
    if (deadline !== undefined && deadline <= Date.now()) {
      this.#end(new GovcError('deadline_exceeded', 'deadline passed before the call started'));
      return;
    }
    if (callerSignal) {
      const onCallerAbort = (): void => this.#end(canceled(callerSignal));
      this.#onCallerAbort = onCallerAbort;
      callerSignal.addEventListener('abort', onCallerAbort, { once: true });
    }
    if (deadline !== undefined) this.#arm(deadline);
  }

  /** Aborts when the call ends early; hand it to the runtime so the request is reset on the wire. */
  get signal(): AbortSignal {
    return this.#controller.signal;
  }

  /** `canceled` or `deadline_exceeded` once the call ended early, else `undefined`. */
  get error(): GovcError | undefined {
    return this.#error;
  }

  /** The `govc-timeout-ms` value: time left, rounded up, at least 1; `undefined` without a deadline. */
  timeoutHeader(): string | undefined {
    if (this.#deadline === undefined) return undefined;
    return String(Math.min(maxTimeoutHeaderMs, Math.max(1, Math.ceil(this.#deadline - Date.now()))));
  }

  /** Releases the timer and the listener on the caller's signal; the call is over. */
  dispose(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    if (this.#onCallerAbort) this.#callerSignal?.removeEventListener('abort', this.#onCallerAbort);
    this.#onCallerAbort = undefined;
  }

  #arm(deadline: number): void {
    const delay = Math.min(maxTimerMs, deadline - Date.now());
    this.#timer = setTimeout(
      () => {
        this.#timer = undefined;
        if (Date.now() < deadline) this.#arm(deadline);
        else this.#end(new GovcError('deadline_exceeded', 'deadline exceeded'));
      },
      Math.max(0, delay),
    );
  }

  #end(error: GovcError): void {
    if (this.#error) return;
    this.#error = error;
    this.dispose();
    this.#controller.abort(error);
  }
}

function canceled(signal: AbortSignal): GovcError {
  return new GovcError('canceled', 'call canceled by the caller', { cause: signal.reason });
}
