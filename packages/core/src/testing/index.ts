/**
 * `@isolane/core/testing`: the shared conformance suite every driver runs, and (re-exported from
 * `@isolane/core/os-probes`, which scripts import without Vitest) the probes it uses to check that
 * nothing is left behind. It runs on Vitest, an optional peer dependency of `@isolane/core`:
 * install `vitest` (>= 4.1) to import this entry; no other entry of the package needs it.
 *
 * @example
 * ```ts
 * import { runConformance } from '@isolane/core/testing';
 * runConformance({ name: 'mine', createDriver: (s) => new MyDriver(s), driverModule: import.meta.resolve('../dist/index.js') });
 * ```
 */

export { childPids, countThreads, eventually, isAlive } from '../os-probes.js';
export { BOOT_GATE_ENV, BOOTSTRAP_DEADLINE_CASES } from './bootstrap-deadline-cases.js';
export {
  CASE_IDS,
  type CaseContext,
  type CaseId,
  CONFORMANCE_CASES,
  type ConformanceCase,
  runCase,
} from './cases.js';
export { type EnvRefreshSuiteOptions, runEnvRefreshSuite } from './env-refresh-suite.js';
export { type EnvSuiteOptions, runEnvSuite } from './env-suite.js';
export { type HeapLimitSuiteOptions, runHeapLimitSuite } from './heap-limit-suite.js';
export {
  HOSTILE_CHANNEL_CASES,
  HOSTILE_CHANNEL_IN_PROCESS_REASON,
} from './hostile-channel-cases.js';
export { MESSAGE_CASE_IDS, MESSAGE_CASES, NO_MESSAGES_REASON } from './message-cases.js';
export {
  EXEC_SYNC_TREE_CASE,
  PROCESS_TREE_CASES,
  PROCESS_TREE_STOP_CASE,
  pidsByArgv,
  TREE_GONE_WITHIN_MS,
} from './process-tree-cases.js';
export { type ResultLimitSuiteOptions, runResultLimitSuite } from './result-limit-suite.js';
export {
  type ChildOutcome,
  type ConformanceOptions,
  runCaseInChild,
  runConformance,
  type Unsupported,
} from './run-conformance.js';
export { type NodeRun, runNode } from './run-node.js';
