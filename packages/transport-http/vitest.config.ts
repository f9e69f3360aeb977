import { defineProject } from 'vitest/config';
import { sourceAliases } from '../../vitest.aliases.js';

export default defineProject({
  resolve: { alias: sourceAliases },
  test: { name: 'transport-http', include: ['test/**/*.test.ts'], testTimeout: 20_000, hookTimeout: 20_000 },
});
