export * from './binding/create-http-binding.js';
export type * from './binding/binding-options.js';
export { createHttpTransport } from './client/create-http-transport.js';
export type { HttpTlsOptions, Http2SessionOptions, HttpTransportOptions } from './client/http-transport-options.js';
