#!/usr/bin/env node
// The `govc-bench` bin runs the bench as built by `tsc -p tsconfig.build.json` (the install builds it).
try {
  await import('../dist/cli.js');
} catch (error) {
  if (error?.code !== 'ERR_MODULE_NOT_FOUND' || !/[/\\]dist[/\\]/.test(error.message)) throw error;
  process.stderr.write(
    `govc-bench: not built yet (${error.message.split('\n')[0]})\nbuild it with: pnpm --filter @govc/bench... run build\n`,
  );
  process.exit(1);
}
