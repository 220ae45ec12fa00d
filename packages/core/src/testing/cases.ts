/**
 * The conformance cases: one behaviour each, written with node:assert so they run both inside vitest and
 * in a sacrificial child process (which is how a case a model cannot pass is shown to really fail).
 */
import type { Driver, DriverSettings } from '../driver.js';
import { ABORT_REASON_CASES } from './abort-reason-cases.js';
import { BOOTSTRAP_DEADLINE_CASES } from './bootstrap-deadline-cases.js';
import { BUFFER_ROUNDTRIP_CASE } from './buffer-case.js';
import { CAPTURE_RULES_CASE } from './capture-case.js';
import type { CaseContext, ConformanceCase } from './case-types.js';
import { CHILD_HOST_CASES } from './child-host-cases.js';
import { CLOSE_SETTLES_CASES } from './close-settles-cases.js';
import { CRASH_CASES } from './crash-cases.js';
import { GO_CALL_CASES } from './go-call-cases.js';
import { HOSTILE_CHANNEL_CASES } from './hostile-channel-cases.js';
import { HOSTILE_PORT_CASES } from './hostile-port-cases.js';
import { HOSTILE_RUNTIME_CASES } from './hostile-runtime-cases.js';
import { MESSAGE_CASES } from './message-cases.js';
import { OUTPUT_CASES } from './output-cases.js';
import { PARITY_CASES } from './parity-cases.js';
import { PROCESS_TREE_CASES } from './process-tree-cases.js';
import { PROGRESS_WINDOW_CASES } from './progress-window-case.js';
import { RESULT_CASES } from './result-cases.js';
import { ROUNDTRIP_CASES } from './roundtrip-cases.js';
import { SCHEDULING_CASES } from './scheduling-cases.js';
import { SPARSE_ARRAY_CASE } from './sparse-array-case.js';
import { TIMEOUT_ABORT_CASES } from './timeout-abort-cases.js';
import { TRANSFER_PORT_CASES } from './transfer-port-cases.js';

export type { CaseContext, ConformanceCase } from './case-types.js';

/**
 * Every case, in the order they run. A new group of cases goes in a file of its own and is appended at
 * the end of this list.
 *
 * @example
 * ```ts
 * for (const c of CONFORMANCE_CASES) console.log(c.id, c.title);
 * ```
 */
export const CONFORMANCE_CASES: readonly ConformanceCase[] = [
  ...ROUNDTRIP_CASES,
  ...RESULT_CASES,
  ...GO_CALL_CASES,
  ...TIMEOUT_ABORT_CASES,
  ...SCHEDULING_CASES,
  ...CRASH_CASES,
  ...CHILD_HOST_CASES,
  CAPTURE_RULES_CASE,
  BUFFER_ROUNDTRIP_CASE,
  ...PARITY_CASES,
  ...OUTPUT_CASES,
  ...ABORT_REASON_CASES,
  ...CLOSE_SETTLES_CASES,
  SPARSE_ARRAY_CASE,
  ...PROCESS_TREE_CASES,
  ...HOSTILE_RUNTIME_CASES,
  ...HOSTILE_CHANNEL_CASES,
  ...HOSTILE_PORT_CASES,
  ...TRANSFER_PORT_CASES,
  ...BOOTSTRAP_DEADLINE_CASES,
  ...MESSAGE_CASES,
  ...PROGRESS_WINDOW_CASES,
];

/**
 * The ids of every case.
 *
 * @example
 * ```ts
 * const ids: readonly CaseId[] = CASE_IDS;
 * ```
 */
export const CASE_IDS = CONFORMANCE_CASES.map((c) => c.id);

/** A case id. */
export type CaseId = (typeof CONFORMANCE_CASES)[number]['id'];

/**
 * Runs one case against a driver factory, closing every driver it made.
 *
 * @example
 * ```ts
 * await runCase('timeout', { name: 'thread', createDriver: (s) => new ThreadDriver(s) });
 * ```
 */
export async function runCase(
  id: string,
  options: {
    name: string;
    createDriver: (settings: DriverSettings) => Driver;
    manyTasks?: number;
    driverModule?: string;
  },
): Promise<void> {
  const found = CONFORMANCE_CASES.find((c) => c.id === id);
  if (!found) throw new TypeError(`unknown conformance case "${id}" (known: ${CASE_IDS.join(', ')})`);
  const drivers: Driver[] = [];
  const ctx: CaseContext = {
    name: options.name,
    manyTasks: options.manyTasks ?? 1_000,
    ...(options.driverModule ? { driverModule: options.driverModule } : {}),
    driver(settings = {}) {
      const driver = options.createDriver({ concurrency: 2, ...settings });
      drivers.push(driver);
      return driver;
    },
  };
  try {
    await found.run(ctx);
  } finally {
    await Promise.all(drivers.map((d) => d.close()));
  }
}
