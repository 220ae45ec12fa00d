/**
 * The bad-input catalogue: every public entry point fed wrong types, out-of-range numbers, unknown
 * driver names, malformed config files, non-portable arguments, unresolvable tasks and broken
 * bootstraps. Each case states the documented error; the test runs the list and `bad-input-table`
 * prints the same list as docs/bad-input.md, so the doc cannot drift from what the code does.
 */
import type { Result } from '@isolane/core';
import { ABORT_REASON_CASES } from './abort-reason-cases.js';
import { BOOTSTRAP_TIMEOUT_CASES } from './bootstrap-timeout-cases.js';
import type { BadInputCase } from './case-kit.js';
import { CONFIG_FILE_CASES } from './config-file-cases.js';
import { DRIVER_CTOR_CASES } from './driver-ctor-cases.js';
import { GO_CASES } from './go-cases.js';
import { HELPER_FUNCTION_CASES } from './helper-function-cases.js';
import { CONFIG_SOURCE_CASES, DRIVER_LIMIT_CASES, WAIT_GROUP_LIMIT_CASES } from './limit-cases.js';
import { MAX_RESULT_CASES } from './max-result-cases.js';
import { DRIVER_BOOTSTRAP_CASES, DRIVER_OPTIONS_CASES } from './per-driver-cases.js';
import { PORT_CASES } from './port-cases.js';
import { SECURITY_CASES } from './security-cases.js';
import { WAIT_GROUP_OPTION_CASES } from './wait-group-option-cases.js';

export {
  type BadInputCase,
  captureSync,
  type Expected,
  type Surface,
} from './case-kit.js';

/**
 * Every case, in the order of the doc's table.
 *
 * @example
 * ```ts
 * for (const c of BAD_INPUT_CASES) console.log(c.entry, c.input, c.expected.name);
 * ```
 */
export const BAD_INPUT_CASES: readonly BadInputCase[] = [
  ...WAIT_GROUP_OPTION_CASES,
  ...WAIT_GROUP_LIMIT_CASES,
  ...CONFIG_FILE_CASES,
  ...CONFIG_SOURCE_CASES,
  ...GO_CASES,
  ...HELPER_FUNCTION_CASES,
  ...DRIVER_CTOR_CASES,
  ...DRIVER_LIMIT_CASES,
  ...SECURITY_CASES,
  ...DRIVER_OPTIONS_CASES,
  ...DRIVER_BOOTSTRAP_CASES,
  ...BOOTSTRAP_TIMEOUT_CASES,
  ...ABORT_REASON_CASES,
  ...PORT_CASES,
  ...MAX_RESULT_CASES,
];

/** A case's results, when its error surfaces in a slot. */
export type SlotResults = Result<unknown>[];
