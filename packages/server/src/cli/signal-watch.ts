/** The signals that stop `govc serve`: a process manager's SIGTERM, a terminal's Ctrl-C (SIGINT). */
const stopSignals = ['SIGTERM', 'SIGINT'] as const;

/** SIGTERM and SIGINT as they arrive, from the moment {@link watchSignals} is called; see there. */
export interface SignalWatch {
  /** Resolves with the earliest signal not handed out yet: one that came before the call counts. */
  next(): Promise<NodeJS.Signals>;
  /** Removes the handlers; a signal after this has Node's default effect again. */
  stop(): void;
}

/**
 * Takes over SIGTERM and SIGINT at once, so that from then on no signal kills the process
 * unannounced (Node's default ends it with 128 + the signal's number, saying nothing): each one
 * is queued until {@link SignalWatch.next} hands it out.
 */
export function watchSignals(): SignalWatch {
  const arrived: NodeJS.Signals[] = [];
  const waiting: ((signal: NodeJS.Signals) => void)[] = [];
  function onSignal(signal: NodeJS.Signals): void {
    const waiter = waiting.shift();
    if (waiter) waiter(signal);
    else arrived.push(signal);
  }
  for (const signal of stopSignals) process.on(signal, onSignal);
  return {
    next() {
      const signal = arrived.shift();
      if (signal !== undefined) return Promise.resolve(signal);
      return new Promise((resolve) => waiting.push(resolve));
    },
    stop() {
      for (const signal of stopSignals) process.off(signal, onSignal);
    },
  };
}
