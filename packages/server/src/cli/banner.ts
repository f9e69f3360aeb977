import type { ListeningAddress } from '../create-govc-server.js';
import { formatByteSize } from './byte-size.js';
import type { ServeArgs } from './parse-serve-args.js';
import type { LogFields } from './serve-log.js';

/** The store `govc serve` opened, as the banner tells it. */
export type OpenedStore =
  | { readonly kind: 'memory' }
  // `isNew`: the directory did not exist or was empty before start-up (see `prepareDataDir`).
  | { readonly kind: 'disk'; readonly path: string; readonly isNew: boolean; readonly repositories: number };

/** What the banner is made of, for both the text and the JSON line. */
type BannerArgs = Pick<ServeArgs, 'tls' | 'memoryLimit' | 'tokens'>;

function protocolsOf(args: BannerArgs): string {
  return args.tls ? 'HTTP/1.1 + h2 via ALPN' : 'HTTP/1.1 + h2c';
}

function plural(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}

/**
 * The one line `govc serve` prints once it listens; tools read the URL off it. It says which
 * store this is, so that an operator sees at once whether the data dir held what they expected
 * (a store created anew where one was meant to be opened is a wrong path) or nothing survives.
 */
export function bannerOf(address: ListeningAddress, args: BannerArgs, store: OpenedStore = { kind: 'memory' }): string {
  let storeText: string;
  if (store.kind === 'memory') storeText = `memory (limit ${formatByteSize(args.memoryLimit)}; in memory, not durable: lost at exit)`;
  else if (store.isNew) storeText = `disk (durable): created a new store at ${store.path}`;
  else storeText = `disk (durable): opened the store at ${store.path} (${plural(store.repositories, 'repository', 'repositories')})`;
  const authText = args.tokens ? `auth by ${plural(args.tokens.length, 'token', 'tokens')}` : 'no auth: loopback only';
  return `govc listening on ${address.url} (${protocolsOf(args)}) with store ${storeText}, ${authText}`;
}

/** The banner's facts as fields of a JSON line (`--log json`). */
export function bannerFields(address: ListeningAddress, args: BannerArgs, store: OpenedStore): LogFields {
  return {
    url: address.url,
    protocols: protocolsOf(args),
    ...(store.kind === 'memory'
      ? { store: 'memory', durable: false, memoryLimit: args.memoryLimit }
      : { store: 'disk', durable: true, dataDir: store.path, created: store.isNew, repositories: store.repositories }),
    ...(args.tokens ? { auth: 'tokens', tokens: args.tokens.length } : { auth: 'loopback only' }),
  };
}
