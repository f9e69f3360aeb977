import { createHash as createHash } from 'node:crypto';
import { GovcError } from '@govc/core';

/** What a token may do in a repository: each level includes the ones before it. */
export type AccessLevel = 'none' | 'read' | 'write' | 'admin';

const levelRank: Readonly<Record<AccessLevel, number>> = { none: 0, read: 1, write: 2, admin: 3 };

/** Whether `granted` includes `needed`. */
export function allows(granted: AccessLevel, needed: AccessLevel): boolean {
  return levelRank[granted] >= levelRank[needed];
}

/** One token's grant, as the token file states it. */
export interface TokenGrant {
  /** Who the token stands for: logs and idempotency scopes say this name, never the token. */
  readonly name: string;
  /** SHA-256 of the token's bytes; the token itself is not kept. */
  readonly sha256: Buffer;
  /** Repository name patterns (`*` matches any run of characters) and the level each grants. */
  readonly repos: readonly { readonly pattern: RegExp; readonly level: AccessLevel }[];
}

const grantedLevels: readonly AccessLevel[] = ['read', 'write', 'admin'];
const namePattern = /^[A-Za-z0-9_.@-]{1,64}$/;
// Repository names are `[A-Za-z0-9_][A-Za-z0-9._-]*`; a pattern may add `*`.
const repoPatternPattern = /^[A-Za-z0-9_.*-]{1,100}$/;

function patternOf(glob: string): RegExp {
  return new RegExp(`^${glob.replace(/[.]/g, '\\.').replace(/\*/g, '.*')}$`);
}

function invalid(where: string, message: string): GovcError {
  return new GovcError('invalid_argument', `${where}: ${message}`);
}

/**
 * Parses a token file's text (or `GOVC_TOKENS`): JSON of the form
 *
 *     { "tokens": [ { "name": "ci", "token": "…", "repos": { "app-*": "write", "*": "read" } } ] }
 *
 * where each token is given as `token` (the secret) or `sha256` (its hex SHA-256, so the file
 * need not hold secrets), and `repos` maps repository patterns to `read`, `write` or `admin`.
 * Anything malformed is `invalid_argument` naming the place; no entry is silently skipped.
 */
export function parseTokenGrants(text: string, where: string): TokenGrant[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw invalid(where, `not JSON (${(error as Error).message})`);
  }
  const tokens = (parsed as { tokens?: unknown } | null)?.tokens;
  if (!Array.isArray(tokens) || tokens.length === 0) throw invalid(where, 'expected {"tokens": [ ... ]} with at least one token');
  const names = new Set<string>();
  const digests = new Set<string>();
  return tokens.map((entry: unknown, index): TokenGrant => {
    const at = `${where}: tokens[${index}]`;
    const { name, token, sha256, repos } = (entry ?? {}) as Record<string, unknown>;
    if (typeof name !== 'string' || !namePattern.test(name)) throw invalid(at, 'name must be 1-64 characters of A-Z a-z 0-9 _ . @ -');
    if (names.has(name)) throw invalid(at, `name ${name} is used twice`);
    names.add(name);
    let digest: Buffer;
    if (typeof token === 'string' && sha256 === undefined) {
      if (token.length < 16 || !/^[\x21-\x7e]+$/.test(token))
        throw invalid(at, 'token must be at least 16 printable ASCII characters without spaces');
      digest = sha256Of(token);
    } else if (typeof sha256 === 'string' && token === undefined) {
      if (!/^[0-9a-f]{64}$/.test(sha256)) throw invalid(at, 'sha256 must be 64 lower-case hex digits');
      digest = Buffer.from(sha256, 'hex');
    } else {
      throw invalid(at, 'give exactly one of "token" and "sha256"');
    }
    if (digests.has(digest.toString('hex'))) throw invalid(at, 'the same token is given twice');
    digests.add(digest.toString('hex'));
    if (typeof repos !== 'object' || repos === null || Array.isArray(repos) || Object.keys(repos).length === 0) {
      throw invalid(at, 'repos must map at least one repository pattern to "read", "write" or "admin"');
    }
    const grants = Object.entries(repos).map(([glob, level]) => {
      if (!repoPatternPattern.test(glob))
        throw invalid(at, `repository pattern ${JSON.stringify(glob)} may hold only repository-name characters and *`);
      if (!grantedLevels.includes(level as AccessLevel))
        throw invalid(at, `level of ${JSON.stringify(glob)} must be "read", "write" or "admin"`);
      return { pattern: patternOf(glob), level: level as AccessLevel };
    });
    return { name, sha256: digest, repos: grants };
  });
}

export function sha256Of(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}
