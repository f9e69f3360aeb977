import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Options of one git run in a {@link GitSandbox}. */
export interface GitRunOptions {
  /** Bytes fed to git's stdin. */
  readonly input?: string | Uint8Array;
  /** Working directory; defaults to the sandbox's bare repository. */
  readonly cwd?: string;
  /** Extra environment, such as GIT_AUTHOR_NAME. */
  readonly env?: Readonly<Record<string, string>>;
}

/** A temporary directory with a bare repository, for running the real git against our bytes. */
export interface GitSandbox {
  /** The temporary directory; also HOME, so no user config leaks in. */
  readonly dir: string;
  /** A bare repository inside `dir`. */
  readonly repo: string;
  /** Runs git and returns stdout as text with the final newline removed. */
  git(args: readonly string[], options?: GitRunOptions): string;
  /** Runs git and returns stdout as raw bytes. */
  gitBytes(args: readonly string[], options?: GitRunOptions): Buffer;
  /** Runs git that may fail, returning its exit status and output as text. */
  run(args: readonly string[], options?: GitRunOptions): { status: number | null; stdout: string; stderr: string };
  /** Deletes `dir`. */
  remove(): void;
}

/**
 * Makes a sandbox. git runs with a clean environment: no system or global config, HOME in the
 * sandbox, fixed dates and identity, so every run is reproducible.
 */
export function createGitSandbox(): GitSandbox {
  const dir = mkdtempSync(join(tmpdir(), 'govc-git-'));
  const baseEnv: Record<string, string> = {
    PATH: process.env['PATH'] ?? '/usr/bin:/bin',
    HOME: dir,
    LANG: 'C',
    TZ: 'UTC',
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_CONFIG_GLOBAL: join(dir, 'gitconfig'),
    GIT_AUTHOR_NAME: 'Test Author',
    GIT_AUTHOR_EMAIL: 'author@example.com',
    GIT_AUTHOR_DATE: '@1700000000 +0000',
    GIT_COMMITTER_NAME: 'Test Committer',
    GIT_COMMITTER_EMAIL: 'committer@example.com',
    GIT_COMMITTER_DATE: '@1700000000 +0000',
  };
  const repo = join(dir, 'repo.git');
  const spawnOptions = (options: GitRunOptions) => ({
    cwd: options.cwd ?? repo,
    env: { ...baseEnv, ...options.env },
    input: options.input ?? '',
    maxBuffer: 64 * 1024 * 1024,
  });
  const gitBytes = (args: readonly string[], options: GitRunOptions = {}): Buffer =>
    execFileSync('git', args, { ...spawnOptions(options), stdio: ['pipe', 'pipe', 'pipe'] });
  execFileSync('git', ['init', '--quiet', '--bare', repo], { cwd: dir, env: baseEnv });
  return {
    dir,
    repo,
    gitBytes,
    git: (args, options) => gitBytes(args, options).toString('utf8').replace(/\n$/, ''),
    run: (args, options = {}) => {
      const result = spawnSync('git', args, { ...spawnOptions(options), encoding: 'utf8' });
      return { status: result.status, stdout: result.stdout, stderr: result.stderr };
    },
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
