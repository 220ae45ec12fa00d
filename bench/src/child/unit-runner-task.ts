/**
 * The isolane task that launches one bench measurement (run by the bench's launcher under the `fork`
 * driver, see unit-launcher.ts): a thin runner that starts the measurement's own child process exactly as
 * the bench did before — the same entry, flags, process group and hard timeout ({@link runEntryInChild})
 * — waits for it, and relays each progress report the measurement sends to `taskContext().progress()`,
 * so the bench reads them through its WaitGroup (`onProgress`). It returns the child's outcome as is, so
 * a failing measurement is reported exactly as before.
 *
 * Loaded only in the runner's process: if that process is told to stop (the bench's Ctrl-C, the driver's
 * SIGTERM) or its parent goes away, the measurement's process group goes with it.
 */
import { defineTask, taskContext } from '@isolane/core/task';
import { type ChildOutcome, killAllChildren, runEntryInChild, UNIT_ENTRY } from './run-in-child.js';

/** What the runner is given. */
export interface UnitRunOptions {
  /** The measurement child's hard timeout, ms (as before). */
  readonly timeoutMs: number;
  /** Node flags of the measurement child. */
  readonly execArgv?: readonly string[];
  /** The child's entry script; default the bench's unit host. */
  readonly entry?: string;
}

process.once('exit', killAllChildren);
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    killAllChildren();
    process.exit(130);
  });
}

/**
 * Runs `message` (a bench unit) in a fresh child process and returns how it ended; its progress reports
 * become this task's progress.
 *
 * @example
 * ```ts
 * wg.go(runUnitInChild, { kind: 'throughput', subject: 'pool', plan }, { timeoutMs: 45_000 });
 * ```
 */
export const runUnitInChild = defineTask(
  import.meta.url,
  'runUnitInChild',
  (message: unknown, options: UnitRunOptions): Promise<ChildOutcome> => {
    const ctx = taskContext();
    return runEntryInChild(options.entry ?? UNIT_ENTRY, message, {
      timeoutMs: options.timeoutMs,
      ...(options.execArgv ? { execArgv: options.execArgv } : {}),
      onProgress: (text) => ctx.progress(text),
    });
  },
);
