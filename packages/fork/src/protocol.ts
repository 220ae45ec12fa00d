/**
 * The messages between the fork driver and its child processes. Results travel only over the IPC
 * channel (advanced serialization), never over stdout/stderr, so whatever a task prints cannot corrupt
 * them.
 */
import type { OneTaskJob, OneTaskMessage } from '@isolane/core/runtime';

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
export interface JobMessage extends OneTaskJob {
  readonly t: 'job';
}

/** Child → parent: core's one-task messages (`start`, `result`, `stray`), see `OneTaskMessage`. */
export type ChildMessage = OneTaskMessage;

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
