export * from './compression.js';
export * from './dns-cache.js';
export type * from './binding.js';
export * from './connect-socket.js';
export * from './http2-session-pool.js';
export * from './read-body.js';
export * from './header-value.js';
