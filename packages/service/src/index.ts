export * from './create-govc-service.js';
export type * from './store/storage.js';
export * from './store/memory-store.js';
export * from './idempotency/idempotency-memory.js';
export * from './watch/ref-event-log.js';
export * from './export/export-stored-repository.js';
export * from './store/disk/create-disk-store.js';
