/** What a probe reports from inside its host, before the bench adds how the host itself fared. */
export interface ProbeReport {
  readonly verdict: string;
  /** True for the protective outcome, false for the unprotected one, null when not a yes/no question. */
  readonly safe: boolean | null;
  readonly detail: string;
  readonly value?: number;
}

/** How one submitted task ended, as far as a probe could see by its deadline. */
export type TaskOutcome =
  | { readonly state: 'pending' }
  | { readonly state: 'ok'; readonly value: unknown }
  | { readonly state: 'failed'; readonly message: string };

/**
 * The message of whatever a subject rejected with (some peers reject with plain objects).
 *
 * @example
 * ```ts
 * errorText({ message: 'boom' }); // 'boom'
 * ```
 */
export function errorText(err: unknown): string {
  if (err instanceof Error) return err.message;
  if (typeof err === 'object' && err !== null) {
    const m = (err as { message?: unknown }).message;
    if (typeof m === 'string' && m) return m;
    const json = JSON.stringify(err);
    return json === '{}' ? `${Object.prototype.toString.call(err)} without a message` : json;
  }
  return String(err);
}

/** A submitted task whose outcome can be read at any time. */
export interface Tracked {
  outcome: TaskOutcome;
  readonly settled: Promise<void>;
}

/**
 * Follows a task's promise without ever rejecting, so a probe can look at it at a deadline.
 *
 * @example
 * ```ts
 * const t = track(session.run('exit'));
 * await t.settled; t.outcome.state; // 'failed'
 * ```
 */
export function track(promise: Promise<unknown>): Tracked {
  const tracked: Tracked = {
    outcome: { state: 'pending' },
    settled: promise.then(
      (value) => {
        tracked.outcome = { state: 'ok', value };
      },
      (err: unknown) => {
        tracked.outcome = { state: 'failed', message: errorText(err) };
      },
    ),
  };
  return tracked;
}

/**
 * Waits for the tasks to settle, but no longer than `ms` (the event loop must be alive for the deadline
 * to fire; a host blocked for good is caught by the bench's hard timeout instead).
 *
 * @example
 * ```ts
 * await settleWithin([victim, sibling], 5_000);
 * ```
 */
export async function settleWithin(tasks: readonly Tracked[], ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([
    Promise.all(tasks.map((t) => t.settled)),
    new Promise<void>((resolve) => {
      timer = setTimeout(resolve, ms);
    }),
  ]);
  clearTimeout(timer);
}

/**
 * A short description of an outcome for a probe's detail text.
 *
 * @example
 * ```ts
 * describeOutcome({ state: 'failed', message: 'crashed: exit code 3' }); // 'failed (crashed: exit code 3)'
 * ```
 */
export function describeOutcome(outcome: TaskOutcome): string {
  if (outcome.state === 'pending') return 'never settled';
  if (outcome.state === 'ok') return `succeeded (${JSON.stringify(outcome.value) ?? 'undefined'})`;
  const msg = outcome.message.length > 140 ? `${outcome.message.slice(0, 140)}…` : outcome.message;
  return `failed (${msg})`;
}
