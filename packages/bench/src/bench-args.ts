import type { BenchMode } from './matrix/run-matrix.js';

/** `govc-bench`'s flags, parsed. */
export interface BenchArgs {
  readonly mode: BenchMode;
  readonly targets: readonly string[] | undefined;
  readonly workloads: readonly string[] | undefined;
  readonly outDir: string;
  readonly help: boolean;
}

export const benchUsage = `Usage: govc-bench [flags]

Runs every workload over every target (and codec variant where the workload varies it), next to
each other in one run, checks every response and the server's state, and writes
bench-results/<stamp>.json, .md and .html (a self-contained report with charts) next to
the table it prints.

  --quick              3 repetitions of the quick op counts (the default)
  --full               5 repetitions of the full op counts
  --targets a,b        only these targets (in-process, http1, http2; baselines:
                       bare-undici, bare-http2, minimal-server)
  --workloads a,b      only these workloads
  --out DIR            where the reports go (default: bench-results)
  --help               this text
`;

/** Parses `argv`; throws an `Error` whose message says what is wrong. */
export function parseBenchArgs(argv: readonly string[]): BenchArgs {
  let mode: BenchMode = 'quick';
  let targets: string[] | undefined;
  let workloads: string[] | undefined;
  let outDir = 'bench-results';
  let help = false;
  for (let at = 0; at < argv.length; at++) {
    const flag = argv[at]!;
    const value = (): string => {
      const next = argv[++at];
      if (next === undefined || next.startsWith('--')) throw new Error(`${flag} needs a value`);
      return next;
    };
    if (flag === '--quick') mode = 'quick';
    else if (flag === '--full') mode = 'full';
    else if (flag === '--targets') targets = value().split(',').filter(Boolean);
    else if (flag === '--workloads') workloads = value().split(',').filter(Boolean);
    else if (flag === '--out') outDir = value();
    else if (flag === '--help' || flag === '-h') help = true;
    else throw new Error(`unknown flag ${flag}`);
  }
  return { mode, targets, workloads, outDir, help };
}
