import { defineConfig } from 'vitest/config';

/** One root config: every package is a project and imports resolve to `src/`, so no test needs a build. */
export default defineConfig({
  test: {
    projects: ['packages/*'],
  },
});
