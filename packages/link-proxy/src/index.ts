/**
 * `@govc/link-proxy`: a loopback TCP proxy that simulates a link (latency, bandwidth, cuts)
 * between a client and a real server, for transport tests, reliability tests and the bench.
 */
export { createLinkProxy, type LinkProxy } from './create-link-proxy.js';
export type { LinkParameters, LinkProxyOptions, LinkTarget } from './link-options.js';
export type { LinkStats } from './link-stats.js';
