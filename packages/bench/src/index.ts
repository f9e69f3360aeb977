/**
 * `@govc/bench`: the workloads, the targets that run them, and the matrix runner, for transport
 * packages that add their own target and for tests.
 */
export { runBench, type BenchOptions } from './run-bench.js';
export type { BenchReport, BatchSpeedup } from './report/bench-report.js';
export type { CellResult, CellSummary, RepetitionFigures, Spread } from './matrix/cell-result.js';
export type { Overhead } from './report/overheads.js';
export { terminalTable } from './report/terminal-table.js';
export { markdownReport } from './report/markdown-report.js';
export { htmlReport } from './report/html-report.js';
export { allTargets } from './targets/catalog.js';
export { bareHttp2Target } from './targets/bare-http2-target.js';
export { bareUndiciTarget } from './targets/bare-undici-target.js';
export { minimalServerTarget, type MinimalServerTargetOptions } from './targets/minimal-server-target.js';
export { httpTarget } from './targets/http-target.js';
export { inProcessTarget } from './targets/in-process-target.js';
export { allVariants, variantName, type BenchServer, type Connection, type Target, type Variant } from './targets/target.js';
export { allWorkloads } from './workloads/catalog.js';
export type { Check, PreparedWorkload, Workload } from './workloads/workload.js';
