/** A command line the CLI cannot run: reported with a hint at `--help`, exit status 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}
