import { describe, expect, it } from 'vitest';
import * as middleware from '../../src/middleware/index.js';

describe('middleware index', () => {
  it('exports every middleware and the idempotency-key helpers', () => {
    expect(Object.keys(middleware).sort()).toEqual(
      ['batching', 'bearerAuth', 'deadline', 'idempotencyKeyHeader', 'metrics', 'newIdempotencyKey', 'retry'].sort(),
    );
    expect(middleware.idempotencyKeyHeader).toBe('idempotency-key');
    expect(middleware.newIdempotencyKey()).not.toBe(middleware.newIdempotencyKey());
  });
});
