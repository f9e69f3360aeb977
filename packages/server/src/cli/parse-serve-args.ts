import { readFileSync } from 'node:fs';
import { createSecureContext } from 'node:tls';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { GovcError } from '@govc/core';
import { parseTokenGrants, type TokenGrant } from '../auth/access-grants.js';
import { isLoopbackName } from '../routing/loopback-guard.js';
import { byteSizeSyntax, formatByteSize, parseByteSize } from './byte-size.js';
import { closestName } from './did-you-mean.js';
import { UsageError } from './usage-error.js';

/** What `govc serve` was asked for, checked. */
export interface ServeArgs {
  readonly help: boolean;
  readonly port: number;
  readonly host: string;
  /** The certificate and key files' contents, when TLS was asked for. */
  readonly tls: { readonly cert: Buffer; readonly key: Buffer } | undefined;
  readonly memoryLimit: number;
  /** Where the durable store keeps its bare git repositories; `undefined` keeps everything in memory. */
  readonly dataDir: string | undefined;
  /** The tokens of `--tokens FILE` or `GOVC_TOKENS`; `undefined`: auth off, loopback only. */
  readonly tokens: readonly TokenGrant[] | undefined;
  /** `--log json`: one JSON line per call on stderr. */
  readonly logCalls: boolean;
  /** `--cors-origin`, repeatable: origins whose browser pages may call (CORS is opt-in). */
  readonly corsOrigins: readonly string[];
  /** The server's limits from their flags; unset ones keep the server's defaults. */
  readonly limits: {
    readonly maxConnections?: number;
    readonly maxHeaderBytes?: number;
    readonly maxStreams?: number;
    readonly maxMessageBytes?: number;
    readonly maxInflatedBytes?: number;
    readonly maxBatchOps?: number;
    readonly idleTimeoutMs?: number;
    readonly headersTimeoutMs?: number;
    readonly requestTimeoutMs?: number;
  };
}

/**
 * The numeric limit flags: flag name, field of `ServeArgs.limits`, smallest and largest value,
 * and whether the value is a byte size (which takes units, see `parseByteSize`) or a count.
 */
const limitFlags = [
  ['max-connections', 'maxConnections', 1, 1_000_000, 'count'],
  ['max-header-bytes', 'maxHeaderBytes', 1_024, 1024 ** 2, 'size'],
  ['max-streams', 'maxStreams', 1, 10_000, 'count'],
  ['max-message-bytes', 'maxMessageBytes', 1_024, 2 * 1024 ** 3, 'size'],
  ['max-inflated-bytes', 'maxInflatedBytes', 1_024, 2 * 1024 ** 3, 'size'],
  ['max-batch-ops', 'maxBatchOps', 1, 1_000, 'count'],
  ['idle-timeout-ms', 'idleTimeoutMs', 0, 86_400_000, 'count'],
  ['headers-timeout-ms', 'headersTimeoutMs', 0, 3_600_000, 'count'],
  ['request-timeout-ms', 'requestTimeoutMs', 0, 86_400_000, 'count'],
] as const;

/** Every flag of `govc serve`, as `node:util` `parseArgs` wants them. */
const serveOptions = {
  port: { type: 'string', short: 'p' },
  host: { type: 'string' },
  'tls-cert': { type: 'string' },
  'tls-key': { type: 'string' },
  'memory-limit': { type: 'string' },
  'data-dir': { type: 'string' },
  tokens: { type: 'string' },
  log: { type: 'string' },
  'cors-origin': { type: 'string', multiple: true },
  ...(Object.fromEntries(limitFlags.map(([flag]) => [flag, { type: 'string' }])) as Record<
    (typeof limitFlags)[number][0],
    { type: 'string' }
  >),
  help: { type: 'boolean', short: 'h' },
} as const satisfies ParseArgsConfig['options'];

/** The grants of `--tokens FILE`, else of `GOVC_TOKENS`, else none. */
function loadTokens(file: string | undefined, env: Readonly<Record<string, string | undefined>>): TokenGrant[] | undefined {
  let text: string;
  let where: string;
  if (file !== undefined) {
    where = `--tokens ${file}`;
    try {
      text = readFileSync(file, 'utf8');
    } catch (error) {
      throw new UsageError(`cannot read ${where}: ${(error as Error).message}`);
    }
  } else if (env.GOVC_TOKENS !== undefined && env.GOVC_TOKENS !== '') {
    where = 'GOVC_TOKENS';
    text = env.GOVC_TOKENS;
  } else {
    return undefined;
  }
  try {
    return parseTokenGrants(text, where);
  } catch (error) {
    throw new UsageError(error instanceof GovcError ? error.rawMessage : String(error));
  }
}

/** `govc serve`'s default port: the one every quick-start example uses. */
export const defaultPort = 8080;
/** The in-memory store's bound unless `--memory-limit` says otherwise: 1 GiB, as the store's own default. */
export const defaultMemoryLimit = 1024 ** 3;

/** A whole number from `min` to `max`, or a `UsageError` naming the flag. */
function wholeNumber(flag: string, value: string, min: number, max: number): number {
  const number = /^\d+$/.test(value) ? Number(value) : NaN;
  if (!(number >= min && number <= max))
    throw new UsageError(`--${flag} must be a whole number from ${min} to ${max}, got ${JSON.stringify(value)}`);
  return number;
}

/** A byte size (`16MiB`, `4096`) from `min` to `max`, or a `UsageError` naming the flag, the value and what is wrong with it. */
function byteSize(flag: string, value: string, min: number, max: number): number {
  const parsed = parseByteSize(value);
  if (!parsed.ok) throw new UsageError(`--${flag} ${JSON.stringify(value)} ${parsed.reason}; a size is ${byteSizeSyntax}`);
  if (parsed.bytes < min || parsed.bytes > max) {
    throw new UsageError(
      `--${flag} must be from ${formatByteSize(min)} to ${formatByteSize(max)}, got ${JSON.stringify(value)} (${parsed.bytes} bytes)`,
    );
  }
  return parsed.bytes;
}

/**
 * The message for the first flag of `args` that `govc serve` does not have, with the known flag
 * it most likely meant; parsing leniently again is the one way to learn which flag it was.
 */
function unknownFlag(args: readonly string[]): string | undefined {
  const { tokens } = parseArgs({ args: [...args], options: serveOptions, strict: false, allowPositionals: true, tokens: true });
  const unknown = tokens.find((token) => token.kind === 'option' && !Object.hasOwn(serveOptions, token.name));
  if (unknown?.kind !== 'option') return undefined;
  const suggestion = unknown.rawName.startsWith('--') ? closestName(unknown.name, Object.keys(serveOptions)) : undefined;
  return `unknown flag ${unknown.rawName}${suggestion === undefined ? '' : `; did you mean --${suggestion}?`}`;
}

function readPem(flag: string, path: string): Buffer {
  try {
    return readFileSync(path);
  } catch (error) {
    throw new UsageError(`cannot read --${flag} ${path}: ${(error as Error).message}`);
  }
}

/** Reads both TLS files and checks that they make a usable certificate/key pair. */
function loadTls(certPath: string | undefined, keyPath: string | undefined): ServeArgs['tls'] {
  if (certPath === undefined && keyPath === undefined) return undefined;
  if (certPath === undefined || keyPath === undefined) throw new UsageError('--tls-cert and --tls-key go together');
  const tls = { cert: readPem('tls-cert', certPath), key: readPem('tls-key', keyPath) };
  try {
    createSecureContext(tls);
  } catch (error) {
    throw new UsageError(
      `--tls-cert ${certPath} and --tls-key ${keyPath} are not a usable PEM certificate and key: ${(error as Error).message}`,
    );
  }
  return tls;
}

/** Parses `govc serve`'s arguments (after `serve`); a bad flag or value is a `UsageError`. */
export function parseServeArgs(args: readonly string[], env: Readonly<Record<string, string | undefined>> = {}): ServeArgs {
  let values;
  try {
    ({ values } = parseArgs({ args: [...args], options: serveOptions, strict: true, allowPositionals: false }));
  } catch (error) {
    const unknown = (error as NodeJS.ErrnoException).code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' ? unknownFlag(args) : undefined;
    throw new UsageError(unknown ?? (error as Error).message);
  }
  const help = values.help === true;
  if (help)
    return {
      help,
      port: defaultPort,
      host: '127.0.0.1',
      tls: undefined,
      memoryLimit: defaultMemoryLimit,
      dataDir: undefined,
      tokens: undefined,
      logCalls: false,
      corsOrigins: [],
      limits: {},
    };
  const corsOrigins = values['cors-origin'] ?? [];
  for (const origin of corsOrigins) {
    if (!/^https?:\/\/[A-Za-z0-9.-]+(:\d{1,5})?$/.test(origin))
      throw new UsageError(`--cors-origin must be an origin like https://app.example:8443, got ${JSON.stringify(origin)}`);
  }
  const log = values.log ?? 'off';
  if (log !== 'json' && log !== 'off') throw new UsageError(`--log must be json or off, got ${JSON.stringify(log)}`);
  const limits: Record<string, number> = {};
  for (const [flag, field, min, max, kind] of limitFlags) {
    const value = values[flag];
    if (value !== undefined) limits[field] = kind === 'size' ? byteSize(flag, value, min, max) : wholeNumber(flag, value, min, max);
  }
  const dataDir = values['data-dir'];
  if (dataDir === '') throw new UsageError('--data-dir must not be empty');
  if (dataDir !== undefined && values['memory-limit'] !== undefined)
    throw new UsageError('--memory-limit bounds the in-memory store; it does not go with --data-dir');
  const host = values.host ?? '127.0.0.1';
  if (host === '') throw new UsageError('--host must not be empty');
  if (values.tokens === '') throw new UsageError('--tokens must not be empty');
  const tokens = loadTokens(values.tokens, env);
  if (tokens === undefined && !isLoopbackName(host)) {
    throw new UsageError(
      `without tokens (--tokens FILE or GOVC_TOKENS) govc serves this machine only; --host ${host} is not a loopback address`,
    );
  }
  return {
    help,
    port: values.port === undefined ? defaultPort : wholeNumber('port', values.port, 0, 65_535),
    host,
    tls: loadTls(values['tls-cert'], values['tls-key']),
    memoryLimit:
      values['memory-limit'] === undefined
        ? defaultMemoryLimit
        : byteSize('memory-limit', values['memory-limit'], 1, Number.MAX_SAFE_INTEGER),
    dataDir,
    tokens,
    logCalls: log === 'json',
    corsOrigins,
    limits,
  };
}
