/**
 * Two test files at a time, for a package whose files are shown not to share anything outside their own
 * process: every count of threads or child processes is of the file's own process (`countThreads`,
 * `childPids`), every process looked up by its command line carries a marker with the file's pid or a
 * random id, temp folders come from `mkdtemp`, no port is fixed. Each file still runs alone in a fresh
 * fork (vitest's `isolate`), and its tests one after another.
 *
 * Files run longest first: `longFiles` (the package's conformance suite, most of its time) start before
 * the rest, which share the other worker. Without a results cache (a fresh clone in CI) vitest would
 * start the largest files first, and a conformance file is a few lines long: it would start last and
 * run alone at the end.
 */
import { mergeConfig } from 'vitest/config';
import { BaseSequencer, type TestSpecification } from 'vitest/node';
import shared from './vitest.shared.js';

/**
 * The shared settings, with two files at a time and `longFiles` (paths relative to the package, e.g.
 * `test/conformance.test.ts`) started first, in that order.
 *
 * @example
 * ```ts
 * // packages/pool/vitest.config.ts
 * export default twoFilesAtATime(['test/conformance-process.test.ts', 'test/conformance.test.ts']);
 * ```
 */
export function twoFilesAtATime(longFiles: readonly string[]): ReturnType<typeof mergeConfig> {
  class LongFirst extends BaseSequencer {
    override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
      const sorted = await super.sort(files);
      const rank = (spec: TestSpecification): number => {
        const i = longFiles.findIndex((f) => spec.moduleId.endsWith(`/${f}`));
        return i === -1 ? longFiles.length : i;
      };
      // Array.prototype.sort is stable: the rest keep vitest's order.
      return sorted.sort((a, b) => rank(a) - rank(b));
    }
  }
  return mergeConfig(shared, { test: { maxWorkers: 2, sequence: { sequencer: LongFirst } } });
}
