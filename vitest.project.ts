import { defineProject, type UserWorkspaceConfig } from 'vitest/config';

/**
 * Each package's vitest project. Workspace imports (`@govc/core`, `@govc/core/node`, …) resolve
 * through the packages' own `exports` maps under the `source` condition, to `src/`, so tests need
 * no build step and a new package or subpath needs no edit here.
 */
export function govcProject(name: string): UserWorkspaceConfig {
  const conditions = ['source', 'node', 'import', 'module', 'default'];
  return defineProject({
    resolve: { conditions },
    ssr: { resolve: { conditions } },
    test: { name, include: ['test/**/*.test.ts'], testTimeout: 20_000, hookTimeout: 20_000 },
  });
}
