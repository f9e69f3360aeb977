import { fileURLToPath } from 'node:url';

const src = (path: string) => fileURLToPath(new URL(`./packages/${path}`, import.meta.url));

/** Workspace imports resolve to each package's `src/`, so tests need no build step. */
export const sourceAliases = [
  { find: /^@govc\/core\/conformance$/, replacement: src('core/src/conformance/index.ts') },
  { find: /^@govc\/core\/node$/, replacement: src('core/src/node/index.ts') },
  { find: /^@govc\/core\/protocol$/, replacement: src('core/src/protocol/index.ts') },
  { find: /^@govc\/transport-http$/, replacement: src('transport-http/src/index.ts') },
  { find: /^@govc\/server$/, replacement: src('server/src/index.ts') },
  { find: /^@govc\/core$/, replacement: src('core/src/index.ts') },
  { find: /^@govc\/service$/, replacement: src('service/src/index.ts') },
];
