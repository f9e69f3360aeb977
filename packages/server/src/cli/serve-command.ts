import { bannerFields, bannerOf } from './banner.js';
import type { CliIo } from './cli-io.js';
import type { ServeArgs } from './parse-serve-args.js';
import { createServeLog } from './serve-log.js';
import { watchSignals } from './signal-watch.js';
import { shutdownGraceMs, startUp } from './start-up.js';

export { bannerOf } from './banner.js';

/**
 * How long shutdown may take beyond the grace for in-flight calls before the process gives up
 * waiting and exits 1: the service's close is quick, so this only bounds a bug.
 */
const shutdownSlackMs = 5_000;

/**
 * `govc serve`: the service on the in-memory or disk store, behind the plain HTTP binding, on one
 * port. SIGTERM and SIGINT are handled from the first step on: during start-up they stop it
 * (status 0); once listening they close gracefully. Resolves with the exit status: 0, or 1 when
 * it could not start, when a second signal forces it, or when closing overran.
 */
export async function serve(args: ServeArgs, io: CliIo): Promise<number> {
  // Before anything that can take time (the data-dir lock, opening a large store), so that a
  // signal then is obeyed and said rather than killing the process silently.
  const signals = watchSignals();
  try {
    const log = createServeLog(io, args.logCalls);
    const stop = signals.next();
    const outcome = await startUp(args, io, log, signals, stop);
    if ('status' in outcome) return outcome.status;
    const { server, service, address, store } = outcome.started;
    log.banner('listening', bannerOf(address, args, store), bannerFields(address, args, store));

    const signal = await stop;
    log.note('closing', `${signal}, closing: no new connections, in-flight calls finish (send it again to force)`, { signal });
    const forced = signals.next().then(function forcedExit(again) {
      log.note('forced to exit', 'forced to exit', { signal: again });
      return 1;
    });
    let overran: NodeJS.Timeout | undefined;
    const overrun = new Promise<number>((resolve) => {
      overran = setTimeout(function shutdownOverran() {
        log.note('shutdown overran', 'shutdown took too long, exiting', { ms: shutdownGraceMs + shutdownSlackMs });
        resolve(1);
      }, shutdownGraceMs + shutdownSlackMs);
      overran.unref();
    });
    async function closeAll(): Promise<number> {
      await server.close();
      await service.close();
      log.note('closed', 'closed');
      return 0;
    }
    const status = await Promise.race([closeAll(), forced, overrun]);
    clearTimeout(overran);
    return status;
  } finally {
    signals.stop();
  }
}
