/**
 * The messages between the fork driver and its child processes. Results travel only over the IPC
 * channel (advanced serialization), never over stdout/stderr, so whatever a task prints cannot corrupt
 * them.
 */
import type { Result, TaskFailure, TaskSpec } from '@isolane/core';

/** What a child is started with (one JSON argument on its command line). */
export interface ChildConfig {
  /** Module URL loaded before the task. */
  readonly bootstrap?: string;
  /**
   * Poll the parent pid from a watchdog thread every this many ms (0 or absent: no watchdog; set only
   * where the child got no kernel parent-death signal).
   */
  readonly watchdogMs?: number;
  /** Task modules to import while idle, so a prespawned child does not load them on the clock. */
  readonly warm?: readonly string[];
}

/** Parent → child: the one task this child runs. */
export interface JobMessage {
  readonly t: 'job';
  readonly id: number;
  readonly task: TaskSpec;
  readonly args: readonly unknown[];
}

/** Child → parent. */
export type ChildMessage =
  /** The bootstrap loaded and the task is about to run: its timeout starts now. */
  | { readonly t: 'start' }
  /**
   * The task's outcome. `fatal`: the child is exiting because of it (an uncaught error), so its
   * death is expected and not reported again.
   */
  | { readonly t: 'result'; readonly result: Result<unknown>; readonly fatal?: boolean }
  /** A late error: the task had already sent its result. The child exits after sending it. */
  | { readonly t: 'stray'; readonly failure: TaskFailure };

/**
 * True for a message this driver's child sent (the channel may carry other traffic, e.g. a task's own `process.send`).
 *
 * @example
 * ```ts
 * subprocess.on('message', (m) => { if (isChildMessage(m)) handle(m); });
 * ```
 */
export function isChildMessage(value: unknown): value is ChildMessage {
  if (typeof value !== 'object' || value === null) return false;
  const t = (value as { t?: unknown }).t;
  return t === 'start' || t === 'result' || t === 'stray';
}
