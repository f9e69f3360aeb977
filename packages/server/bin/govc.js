#!/usr/bin/env node
// The `govc` bin runs the CLI as built by `tsc -p tsconfig.build.json` (the install builds it).
try {
  await import('../dist/cli.js');
} catch (error) {
  // A workspace package not built yet: say what to do instead of a module-resolution trace.
  if (error?.code !== 'ERR_MODULE_NOT_FOUND' || !/[/\\]dist[/\\]/.test(error.message)) throw error;
  process.stderr.write(`govc: not built yet (${error.message.split('\n')[0]})\nbuild it with: pnpm --filter @govc/server... run build\n`);
  process.exit(1);
}
