/**
 * The message protocol of the raw baselines (a hand-written `new Worker`, `child_process.fork` and
 * `postMessage` ping-pong): the least code a user would write to run a named task and send back its
 * value or its error, so the baselines measure the transport, not a framework.
 */
import { TASKS, type TaskName } from './tasks.js';

/** A request: run task `name` with `arg`. */
export interface TaskRequest {
  readonly id: number;
  readonly name: TaskName;
  readonly arg?: unknown;
}

/** A reply: the value, or the error as plain data. */
export type TaskReply =
  | { readonly id: number; readonly ok: true; readonly value: unknown }
  | { readonly id: number; readonly ok: false; readonly error: { name: string; message: string } };

/** The first message a raw worker or child sends: its module graph is loaded. */
export const READY = 'ready';

/** Runs a request and hands the reply to `send` (synchronously for synchronous tasks). */
export function dispatch(request: TaskRequest, send: (reply: TaskReply) => void): void {
  const fail = (err: unknown): void => {
    const e = err instanceof Error ? err : new Error(String(err));
    send({ id: request.id, ok: false, error: { name: e.name, message: e.message } });
  };
  try {
    const value: unknown = TASKS[request.name](request.arg);
    if (value instanceof Promise) {
      value.then((v: unknown) => send({ id: request.id, ok: true, value: v }), fail);
    } else {
      send({ id: request.id, ok: true, value });
    }
  } catch (err) {
    fail(err);
  }
}
