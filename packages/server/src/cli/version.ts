import { readFileSync } from 'node:fs';

/**
 * The version of `@govc/server`, from its `package.json`. Found relative to this module, which
 * sits two levels below the package both as `src/cli/version.ts` and as `dist/cli/version.js`;
 * read when asked for, not at import, so that importing the CLI reads no file.
 */
export function serverVersion(): string {
  const manifest = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version?: unknown };
  if (typeof manifest.version !== 'string') throw new Error('the package.json of @govc/server has no version');
  return manifest.version;
}
