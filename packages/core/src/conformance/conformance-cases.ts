import { batchCases } from './cases/batch-cases.js';
import { errorCases } from './cases/error-cases.js';
import { headerCases } from './cases/header-cases.js';
import { invalidInputCases } from './cases/invalid-input-cases.js';
import { lifecycleCases } from './cases/lifecycle-cases.js';
import { loadCases } from './cases/load-cases.js';
import { retryCases } from './cases/retry-cases.js';
import { streamCases } from './cases/stream-cases.js';
import { timingCases } from './cases/timing-cases.js';
import { unaryCases } from './cases/unary-cases.js';
import type { ConformanceCase } from './conformance-case.js';

/** Every case of the kit, in the order it runs; the lifecycle case closes the transport, so it is last. */
export const conformanceCases: readonly ConformanceCase[] = [
  ...unaryCases,
  ...headerCases,
  ...streamCases,
  ...errorCases,
  ...timingCases,
  ...batchCases,
  ...retryCases,
  ...loadCases,
  ...invalidInputCases,
  ...lifecycleCases,
];

const duplicate = conformanceCases.find((c, i) => conformanceCases.findIndex((other) => other.id === c.id) !== i);
if (duplicate) throw new Error(`conformance case id ${duplicate.id} is used twice`);
