import { govcMethods } from '@govc/core';
import { describe, expect, it } from 'vitest';
import { repoOps } from '../../src/methods/repo-ops.js';

describe('repoOps', () => {
  it('holds an operation for exactly the methods the schema marks batchable', () => {
    const batchable = Object.values(govcMethods)
      .filter((method) => method.batchable)
      .map((method) => method.name);
    expect(Object.keys(repoOps).sort()).toEqual(batchable.sort());
  });
});
