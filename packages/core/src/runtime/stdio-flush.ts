/**
 * A worker's output reaches its parent before the task's outcome does. A worker thread's
 * `process.stdout`/`stderr` forward every write to the parent over Node's internal port, asynchronously:
 * a write's callback runs once the parent has taken the chunk in. A child process's stdout/stderr are
 * pipes: a write that found the pipe full waits in the child's memory until the parent reads. Either
 * way, an outcome posted at once could overtake what the task printed, and once the parent had its
 * result it could close the worker (or simply exit) with that output still in flight — lost.
 *
 * So the runtime posts an outcome only once the streams hold nothing unsent: when a task printed nothing
 * (or its writes already went through) that costs one property read per stream and no round trip; when
 * its output is still on its way, the outcome waits for it, which is also the back-pressure a task
 * printing faster than the parent can write gets. The streams and the write are captured at load: a task
 * that replaces `process.stdout`, or its `write`, cannot hold back or lose its outcome.
 */
import { realProcess } from './intrinsics.js';

/** The part of a writable stream this needs. */
interface OutputStream {
  readonly writableLength: number;
  readonly destroyed: boolean;
  readonly writableEnded: boolean;
  write(chunk: string, callback: (err?: Error | null) => void): boolean;
}

/** `Writable.prototype.write` and friends, as the stream had them at load. */
interface Captured {
  readonly stream: OutputStream;
  readonly write: OutputStream['write'];
}

const captured: Captured[] = [];
for (const name of ['stdout', 'stderr'] as const) {
  try {
    const stream = realProcess[name] as unknown as OutputStream | undefined;
    if (stream !== undefined && typeof stream.write === 'function') {
      captured[captured.length] = { stream, write: stream.write };
    }
  } catch {
    // a stream that cannot be opened (a closed descriptor): nothing of the task's can wait in it
  }
}

const { apply } = Reflect;

/**
 * True when some of what was written to this worker's stdout or stderr has not reached the parent (a
 * thread's port) or the kernel (a child's pipe) yet.
 *
 * @example
 * ```ts
 * if (outputPending()) afterOutput(() => post(result));
 * else post(result);
 * ```
 */
export function outputPending(): boolean {
  for (let i = 0; i < captured.length; i++) {
    const { stream } = captured[i]!;
    if (stream.writableLength > 0 && !stream.destroyed && !stream.writableEnded) return true;
  }
  return false;
}

/**
 * Calls `then` once everything written so far to stdout and stderr has gone out (a thread's: the parent
 * took it in; a child's: it is in the pipe): synchronously when nothing is pending, otherwise after the
 * last pending write's callback (a broken stream counts as done).
 *
 * @example
 * ```ts
 * afterOutput(() => postOutcome(transport, result, encode));
 * ```
 */
export function afterOutput(then: () => void): void {
  let waiting = 1;
  const done = (): void => {
    if (--waiting === 0) then();
  };
  for (let i = 0; i < captured.length; i++) {
    const { stream, write } = captured[i]!;
    if (stream.destroyed || stream.writableEnded || stream.writableLength === 0) continue;
    waiting++;
    try {
      // An empty write queues behind every pending one: its callback says they all went out.
      apply(write, stream, ['', done]);
    } catch {
      done();
    }
  }
  done();
}
