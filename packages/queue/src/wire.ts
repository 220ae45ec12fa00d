/**
 * What travels through Redis: a job's payload (task by root-relative path or inline source, arguments as
 * a structured-clone snapshot in text: snapshot-text.ts) and its outcome (a `Result` snapshot). Modules
 * cross machines by path relative to a declared root, never by absolute URL, so a producer and workers
 * on different machines agree on a task while each keeps its own checkout.
 */

import { realpathSync } from 'node:fs';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Result, TaskSpec } from '@isolane/core/driver-kit';
import { fromSnapshotText, toSnapshotText } from './snapshot-text.js';

/** A task as it travels: a module by root-relative path, or inline source. */
export type WireTask =
  | { readonly kind: 'module'; readonly path: string; readonly name: string }
  | { readonly kind: 'inline'; readonly source: string };

/** The data of a BullMQ job made by the queue driver. */
export interface JobPayload {
  /** Format version. */
  readonly v: 1;
  readonly task: WireTask;
  /** The arguments' snapshot ({@link encode}). */
  readonly args: string;
  readonly timeout?: number;
  /** Root-relative path of the bootstrap module. */
  readonly bootstrap?: string;
  readonly memoryLimitMb?: number;
  /** The bootstrap's deadline in ms; `null`: none (Infinity, which JSON cannot carry). */
  readonly bootstrapTimeout?: number | null;
}

/**
 * The data of a BullMQ job carrying several short tasks (a bundle: bundle-policy.ts); each runs on the
 * worker as its own task, with its own outcome.
 */
export interface BundlePayload {
  readonly v: 1;
  readonly bundle: readonly (JobPayload | CancelledPayload)[];
}

/** A bundled task aborted while its job waited: the producer rewrote it so (it never runs). */
export interface CancelledPayload {
  readonly v: 1;
  readonly cancelled: string;
}

/** A task's outcome: the result's snapshot ({@link encode}). */
export interface JobOutcome {
  readonly r: string;
  /** The id of the last frame the task wrote to its message stream, if it wrote any (worker-messages.ts). */
  readonly m?: string;
}

/** The return value of a bundle job: each task's outcome, in bundle order. */
export interface BundleOutcome {
  readonly b: readonly JobOutcome[];
}

/**
 * The id of a task: its BullMQ job's id when it is alone in the job, `<job id>.<index>` in a bundle. Cancel
 * messages, late-error reports and message streams name tasks by it.
 *
 * @example
 * ```ts
 * taskId('17'); // '17'
 * taskId('17', 3); // '17.3'
 * ```
 */
export function taskId(jobId: string, index?: number): string {
  return index === undefined ? jobId : `${jobId}.${index}`;
}

/**
 * The field of the job's hash marking a task started ({@link STARTED_FIELD}, `.<index>` in a bundle).
 *
 * @example
 * ```ts
 * startedField(); // 'isolaneStarted'
 * startedField(2); // 'isolaneStarted.2'
 * ```
 */
export function startedField(index?: number): string {
  return index === undefined ? STARTED_FIELD : `${STARTED_FIELD}.${index}`;
}

/**
 * The outcome of one task in a job's return value: the value itself for a task alone in its job, its
 * element for a bundled one (undefined when the value has no such element).
 *
 * @example
 * ```ts
 * outcomeOf({ b: [{ r: '~1' }] }, 0); // { r: '~1' }
 * ```
 */
export function outcomeOf(returnvalue: unknown, index?: number): unknown {
  if (index === undefined) return returnvalue;
  const b = (returnvalue as Partial<BundleOutcome> | null | undefined)?.b;
  return Array.isArray(b) ? b[index] : undefined;
}

/**
 * The field a worker sets in a job's hash when it starts the job on its local driver (job-gate.ts): a
 * job whose worker died without setting it was fetched but never started, and goes back to the queue
 * instead of settling as `crashed`.
 */
export const STARTED_FIELD = 'isolaneStarted';

/** Messages on the queue's control channel. */
export type ControlMessage =
  | { readonly type: 'cancel'; readonly jobId: string; readonly reason: string }
  | { readonly type: 'stray'; readonly jobId: string; readonly failure: string }
  /** A job has message frames for `to` in its stream (producer-messages.ts, worker-messages.ts). */
  | { readonly type: 'messages'; readonly jobId: string; readonly to: 'task' | 'caller' };

/**
 * The pub/sub channel workers and producers of one queue share (cancels, late errors).
 *
 * @example
 * ```ts
 * controlChannel('bull', 'isolane'); // 'bull:isolane:isolane-control'
 * ```
 */
export function controlChannel(prefix: string, queueName: string): string {
  return `${prefix}:${queueName}:isolane-control`;
}

/**
 * A structured-clone snapshot as text (BullMQ stores JSON): JSON behind `~` when it reads back the same,
 * base64 of `v8.serialize` otherwise (snapshot-text.ts).
 *
 * @example
 * ```ts
 * decode(encode(new Map([[1, 2n]]))); // Map { 1 => 2n }
 * ```
 */
export function encode(value: unknown): string {
  return toSnapshotText(value);
}

/**
 * Reads a snapshot written by {@link encode}.
 *
 * @example
 * ```ts
 * decode(encode([1, 2])); // [1, 2]
 * ```
 */
export function decode(text: string): unknown {
  return fromSnapshotText(text);
}

/** Where a path sits relative to a root. */
function inside(root: string, file: string): string | undefined {
  const rel = relative(root, file);
  if (rel === '' || rel.startsWith(`..${sep}`) || rel === '..' || isAbsolute(rel)) return undefined;
  return rel.split(sep).join('/');
}

/**
 * The root-relative path of a module URL, or a reason it cannot be named that way.
 *
 * @example
 * ```ts
 * toRootPath('file:///srv/app/tasks.js', '/srv/app'); // { path: 'tasks.js' }
 * ```
 */
export function toRootPath(moduleUrl: string, root: string): { path: string } | { refused: string } {
  if (!moduleUrl.startsWith('file:')) {
    return { refused: `${moduleUrl} is not a file: queue workers import module tasks by path under a root` };
  }
  const file = fileURLToPath(moduleUrl);
  const rel = inside(root, file) ?? inside(realOr(root), realOr(file));
  if (rel === undefined) {
    return {
      refused: `${file} is outside the queue driver's root ${root}: workers only import modules under their --root (set the "root" option of drivers.queue)`,
    };
  }
  return { path: rel };
}

/**
 * The local module URL of a root-relative path, or a refusal when it leaves the root (by `..`, an
 * absolute path or a symbolic link).
 *
 * @example
 * ```ts
 * fromRootPath('tasks.js', '/srv/app'); // { url: 'file:///srv/app/tasks.js' }
 * fromRootPath('../etc/x.js', '/srv/app'); // { refused: '...' }
 * ```
 */
export function fromRootPath(path: string, root: string): { url: string } | { refused: string } {
  const refused = {
    refused: `module ${JSON.stringify(path)} is outside this worker's --root ${root}; the worker refuses it`,
  };
  if (typeof path !== 'string' || path === '' || isAbsolute(path) || path.includes('\0')) return refused;
  const file = resolve(root, path);
  if (inside(root, file) === undefined) return refused;
  // A symbolic link inside the root must not lead out of it.
  if (inside(realOr(root), realOr(file)) === undefined) return refused;
  return { url: pathToFileURL(file).href };
}

function realOr(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return path;
  }
}

/**
 * The wire form of a task spec.
 *
 * @example
 * ```ts
 * wireTask({ kind: 'inline', source: '(a) => a' }, '/srv/app'); // { task: { kind: 'inline', source: '(a) => a' } }
 * ```
 */
export function wireTask(spec: TaskSpec, root: string): { task: WireTask } | { refused: string } {
  if (spec.kind === 'inline') return { task: { kind: 'inline', source: spec.source } };
  const at = cached(producerPaths, `${root}\0${spec.module}`, () => toRootPath(spec.module, root));
  if ('refused' in at) return at;
  return { task: { kind: 'module', path: at.path, name: spec.name } };
}

const producerPaths = new Map<string, { path: string } | { refused: string }>();
const workerPaths = new Map<string, { url: string } | { refused: string }>();

/** Path checks hit the file system (realpath): remember them per root and path, boundedly. */
function cached<T>(cache: Map<string, T>, key: string, make: () => T): T {
  let value = cache.get(key);
  if (value === undefined) {
    if (cache.size >= 1024) cache.clear();
    value = make();
    cache.set(key, value);
  }
  return value;
}

/**
 * {@link fromRootPath}, remembered per root and path (a worker sees the same few modules again and
 * again).
 *
 * @example
 * ```ts
 * resolveUnderRoot('tasks.js', '/srv/app'); // { url: 'file:///srv/app/tasks.js' }
 * ```
 */
export function resolveUnderRoot(path: string, root: string): { url: string } | { refused: string } {
  if (typeof path !== 'string') return fromRootPath(path, root);
  return cached(workerPaths, `${root}\0${path}`, () => fromRootPath(path, root));
}

/**
 * Reads a job's outcome, or says why it is not one.
 *
 * @example
 * ```ts
 * readOutcome({ r: encode({ ok: true, value: 1, ms: 2 }) }); // { ok: true, value: 1, ms: 2 }
 * ```
 */
export function readOutcome(value: unknown): Result<unknown> | undefined {
  if (typeof value !== 'object' || value === null || typeof (value as JobOutcome).r !== 'string') {
    return undefined;
  }
  const result = decode((value as JobOutcome).r) as Result<unknown>;
  if (typeof result !== 'object' || result === null || typeof result.ok !== 'boolean') return undefined;
  return result;
}

/**
 * The messages mark of a job's stored outcome: the id of the last frame its task wrote to its message
 * stream (undefined: it wrote none).
 *
 * @example
 * ```ts
 * messagesMark({ r: '...', m: '1700000000000-3' }); // '1700000000000-3'
 * ```
 */
export function messagesMark(value: unknown): string | undefined {
  const m = (value as Partial<JobOutcome> | null | undefined)?.m;
  return typeof m === 'string' ? m : undefined;
}
