import type { CliIo } from './cli-io.js';
import { parseServeArgs } from './parse-serve-args.js';
import { serve } from './serve-command.js';
import { mainUsage, serveUsage } from './usage.js';
import { UsageError } from './usage-error.js';

/**
 * Runs the `govc` command line `argv` (without `node` and the script) and resolves with the exit
 * status: 0 done, 1 failed, 2 a command line it cannot run (with what was wrong on stderr).
 */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case undefined:
        io.stderr.write(mainUsage);
        return 2;
      case '-h':
      case '--help':
        io.stdout.write(mainUsage);
        return 0;
      case 'help':
        io.stdout.write(rest[0] === 'serve' ? serveUsage : mainUsage);
        return 0;
      case 'serve': {
        const args = parseServeArgs(rest, io.env ?? {});
        if (!args.help) return await serve(args, io);
        io.stdout.write(serveUsage);
        return 0;
      }
      default:
        throw new UsageError(`unknown command ${JSON.stringify(command)}`);
    }
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    const help = command === 'serve' ? 'govc serve --help' : 'govc --help';
    io.stderr.write(`govc: ${error.message}\nRun \`${help}\` for usage.\n`);
    return 2;
  }
}
