export * from './binding/create-http-binding.js';
export type * from './binding/binding-options.js';
