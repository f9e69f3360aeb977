import { describe, expect, it } from 'vitest';
import * as server from '../src/index.js';

describe('the exports of @govc/server', () => {
  it('gives the server, auth and observability, and none of their internals', () => {
    expect(Object.keys(server).sort()).toEqual([
      'MetricsRegistry',
      'authorizeHandler',
      'createAccessPolicy',
      'createCallLog',
      'createGovcServer',
      'createServerMetrics',
      'methodAccess',
      'parseTokenGrants',
      'registerIdempotencyMetrics',
      'registerStoreMetrics',
    ]);
  });
});
