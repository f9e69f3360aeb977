/**
 * The `govc` command line (`bin/govc.js` imports the built copy of this file): runs it on
 * `process.argv`, then exits with its status, so that nothing left open keeps the process alive
 * after a graceful shutdown.
 */
import { runCli } from './cli/run-cli.js';

try {
  process.exit(await runCli(process.argv.slice(2), process));
} catch (error) {
  process.stderr.write(`govc: ${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
}
