export * from './compression.js';
export * from './dns-cache.js';
export type * from './binding.js';
