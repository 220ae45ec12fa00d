/**
 * How the bench launches its measurements (issue 18): each through an isolane WaitGroup on a private
 * `fork` driver (one at a time), whose task (unit-runner-task.ts) starts the measurement's child process
 * exactly as before and relays its progress reports to `taskContext().progress()`. The bench reads them
 * through the group's `onProgress` — the public API — and shows them on its progress bar. The measured
 * process is the same fresh child as before (same entry, flags, process group and hard timeout); the
 * runner waits beside it, idle but for a report every half second at most.
 */
import { defineTask, WaitGroup } from '@isolane/core';
import { ForkDriver } from '@isolane/fork';
import type { ChildOutcome } from './run-in-child.js';
import type { UnitRunOptions } from './unit-runner-task.js';

/**
 * The runner task, declared from the caller's side: the fork child imports the built module by URL
 * (`dist/child/`, from `src/child/` and `dist/child/` alike); this process never loads it (it installs
 * signal handlers meant for the runner's process only).
 */
const RUNNER_URL = new URL('../../dist/child/unit-runner-task.js', import.meta.url).href;
const runUnitInChild = defineTask(
  RUNNER_URL,
  'runUnitInChild',
  (_message: unknown, _options: UnitRunOptions): Promise<ChildOutcome> => {
    throw new Error('a module task runs its export, not this placeholder');
  },
);

/** What the runner may take on top of the measurement's own hard timeout (its start, its report). */
const RUNNER_MARGIN_MS = 30_000;

/** Launches measurements; see the module comment. */
export interface UnitLauncher {
  /**
   * Runs `message` in a fresh child process (through the runner task) and resolves with how it ended;
   * `onProgress` gets its progress reports, in order. Never rejects.
   */
  run(message: unknown, options: UnitRunOptions, onProgress?: (text: string) => void): Promise<ChildOutcome>;
  /** Stops the runner's driver (after the last unit). */
  close(): Promise<void>;
}

/**
 * A launcher of measurements through a WaitGroup on a `fork` driver (made on first use).
 *
 * @example
 * ```ts
 * const launcher = forkUnitLauncher();
 * const outcome = await launcher.run(unit, { timeoutMs: 45_000 }, (text) => bar.note('latency pool', text));
 * await launcher.close();
 * ```
 */
export function forkUnitLauncher(): UnitLauncher {
  let driver: ForkDriver | undefined;
  return {
    async run(message, options, onProgress) {
      const started = performance.now();
      driver ??= new ForkDriver({ concurrency: 1 });
      const wg = new WaitGroup({
        driver,
        config: false,
        globals: [],
        timeout: options.timeoutMs + RUNNER_MARGIN_MS,
        onError: () => {},
        ...(onProgress
          ? { onProgress: (value: unknown) => onProgress(typeof value === 'string' ? value : String(value)) }
          : {}),
      });
      try {
        wg.go(runUnitInChild, message, options);
        const [r] = await wg.wait();
        if (r?.ok) return r.value as ChildOutcome;
        const why = r ? `${r.error.kind}: ${r.error.message}` : 'no result';
        return {
          status: 'error',
          message: `the measurement's runner failed (${why})`.slice(0, 400),
          ms: performance.now() - started,
          stderr: '',
        };
      } finally {
        await wg.close();
      }
    },
    async close() {
      const d = driver;
      driver = undefined;
      await d?.close();
    },
  };
}
