import { bench } from './bench-command.js';
import type { CliIo } from './cli-io.js';
import { closestName } from './did-you-mean.js';
import { parseServeArgs } from './parse-serve-args.js';
import { serve } from './serve-command.js';
import { mainUsage, serveUsage } from './usage.js';
import { UsageError } from './usage-error.js';
import { serverVersion } from './version.js';

/** The commands, for `govc help COMMAND` and for guessing what a mistyped one meant. */
const commands = ['serve', 'bench', 'version', 'help'] as const;
/** The flags `govc` takes before any command, for guessing what a mistyped one meant. */
const topLevelFlags = ['--help', '--version'] as const;

/** A `UsageError` for an unknown command or top-level flag, naming the known one it most likely meant. */
function unknownCommand(command: string): UsageError {
  if (command.startsWith('-')) {
    const flag = command.startsWith('--') ? closestName(command, topLevelFlags) : undefined;
    return new UsageError(`unknown flag ${command}${flag === undefined ? '' : `; did you mean ${flag}?`}`);
  }
  const known = closestName(command, commands);
  return new UsageError(`unknown command ${JSON.stringify(command)}${known === undefined ? '' : `; did you mean ${known}?`}`);
}

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
      case '-v':
      case '--version':
      case 'version':
        if (rest.length > 0) throw new UsageError(`${command} takes no arguments, got ${JSON.stringify(rest[0])}`);
        io.stdout.write(`govc ${serverVersion()}\n`);
        return 0;
      case 'help':
        if (rest[0] === undefined) io.stdout.write(mainUsage);
        else if (rest[0] === 'serve') io.stdout.write(serveUsage);
        else if ((commands as readonly string[]).includes(rest[0])) io.stdout.write(mainUsage);
        else throw unknownCommand(rest[0]);
        return 0;
      case 'serve': {
        const args = parseServeArgs(rest, io.env ?? {});
        if (!args.help) return await serve(args, io);
        io.stdout.write(serveUsage);
        return 0;
      }
      case 'bench':
        return await bench(rest, io);
      default:
        throw unknownCommand(command);
    }
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    const help = command === 'serve' ? 'govc serve --help' : 'govc --help';
    io.stderr.write(`govc: ${error.message}\nRun \`${help}\` for usage.\n`);
    return 2;
  }
}
