/**
 * Every limit counted in `govc_limit_hits_total{limit}`, each with where it is enforced. The
 * server shows each at 0 from its first scrape: a series that appears only at its first hit makes
 * `rate()` and `increase()` miss that hit, and an alert cannot tell "never hit" from "not wired".
 * A test checks this list against every `limit: '…'` and `limitHits.labels('…')` in the sources.
 */
export const limitNames = [
  /** Server: `limits.maxConnections` open connections. */
  'connections',
  /** Server: `limits.maxHeaderBytes` of an HTTP/1.1 header section (`431`) or an HTTP/2 header list. */
  'header_bytes',
  /** Server: `timeouts.sniffMs` before the first bytes (and the TLS handshake) said the protocol. */
  'sniff_timeout',
  /** Server: `timeouts.headersMs` or `timeouts.requestMs` (HTTP/1.1 `408`, an HTTP/2 stream reset). */
  'request_timeout',
  /** Server: `timeouts.idleMs` of an HTTP/2 session without a stream. */
  'idle_timeout',
  /** Core: a request body or one enveloped message over the binding's byte limit. */
  'message_bytes',
  /** Core: a compressed request body that inflates past the byte limit. */
  'inflated_bytes',
  /** Service: operations in one `BatchOperations` call. */
  'batch_ops',
  /** Service: entries of one tree. */
  'tree_entries',
  /** Service: the memory store's byte bound. */
  'memory',
] as const;

/** One of `limitNames`. */
export type LimitName = (typeof limitNames)[number];
