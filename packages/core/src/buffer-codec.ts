/**
 * Node `Buffer`s across an isolation boundary. Structured clone turns a Buffer into a plain Uint8Array
 * (V8's serializer, used by the fork driver, keeps it a Buffer), so the sending side records where its
 * Buffers are and the receiving side rebuilds a Buffer over the same bytes at each of those places: a
 * Buffer argument or result arrives as a Buffer under every driver.
 *
 * Arguments carry the places as a leading marker argument (stripped by the runtime before the task is
 * called); a result carries them in a wrapper (unwrapped by the WaitGroup). Either way the check on the
 * receiving side is one property lookup, and nothing changes for values without Buffers.
 */
import { forEachElement } from './array-elements.js';

/** One step from a container to a value inside it. */
export type BufferStep =
  | string // a plain object's (or an Error's) own property
  | number // an array index
  | readonly ['m', number] // the value of a Map's n-th entry
  | readonly ['k', number] // the key of a Map's n-th entry
  | readonly ['s', number]; // a Set's n-th member

/** Where a Buffer sits, from the root value. */
export type BufferPath = readonly BufferStep[];

const TAG = '@@isolane.buffers';

/** What travels in place of the marker argument or around the result. */
interface Envelope {
  readonly [TAG]: readonly BufferPath[];
  readonly value?: unknown;
}

function isBuffer(value: unknown): value is Buffer {
  return typeof Buffer === 'function' && Buffer.isBuffer(value);
}

/**
 * Every place a Buffer sits in `root` (a Buffer reachable twice is listed twice; cycles are walked once).
 *
 * @example
 * ```ts
 * bufferPaths([1, { data: Buffer.from('hi') }]); // [[1, 'data']]
 * ```
 */
export function bufferPaths(root: unknown): BufferPath[] {
  const found: BufferPath[] = [];
  if (isBuffer(root)) return [[]];
  const seen = new Set<object>();
  const queue: { value: unknown; path: BufferStep[] }[] = [{ value: root, path: [] }];
  for (let head = 0; head < queue.length; head++) {
    const { value, path } = queue[head]!;
    if (value === null || typeof value !== 'object' || seen.has(value)) continue;
    seen.add(value);
    const visit = (child: unknown, step: BufferStep): void => {
      if (isBuffer(child)) found.push([...path, step]);
      else if (child !== null && typeof child === 'object')
        queue.push({ value: child, path: [...path, step] });
    };
    if (ArrayBuffer.isView(value)) continue;
    if (Array.isArray(value)) forEachElement(value, visit);
    else if (value instanceof Map) {
      let i = 0;
      for (const [k, v] of value) {
        visit(k, ['k', i]);
        visit(v, ['m', i]);
        i++;
      }
    } else if (value instanceof Set) {
      let i = 0;
      for (const item of value) visit(item, ['s', i++]);
    } else if (value instanceof Error) {
      if (Object.hasOwn(value, 'cause')) visit((value as { cause?: unknown }).cause, 'cause');
    } else {
      for (const key of Object.keys(value)) visit((value as Record<string, unknown>)[key], key);
    }
  }
  return found;
}

/** A Buffer over the same bytes as a cloned Uint8Array (no copy); a Buffer stays itself. */
function toBuffer(value: unknown): unknown {
  if (isBuffer(value) || !(value instanceof Uint8Array)) return value;
  return Buffer.from(value.buffer, value.byteOffset, value.byteLength);
}

/** Replaces the value at one step of `container` (which the receiver owns: it is a fresh clone). */
function replaceAt(container: unknown, step: BufferStep, make: (old: unknown) => unknown): void {
  if (typeof step === 'string' || typeof step === 'number') {
    const record = container as Record<string | number, unknown>;
    record[step] = make(record[step]);
  } else if (container instanceof Map) {
    const entries = [...container];
    const entry = entries[step[1]];
    if (!entry) return;
    if (step[0] === 'k') entries[step[1]] = [make(entry[0]), entry[1]];
    else entries[step[1]] = [entry[0], make(entry[1])];
    container.clear();
    for (const [k, v] of entries) container.set(k, v);
  } else if (container instanceof Set) {
    const items = [...container];
    if (step[1] >= items.length) return;
    items[step[1]] = make(items[step[1]]);
    container.clear();
    for (const item of items) container.add(item);
  }
}

function valueAt(container: unknown, step: BufferStep): unknown {
  if (typeof step === 'string' || typeof step === 'number') {
    return (container as Record<string | number, unknown>)[step];
  }
  if (container instanceof Map) {
    const entry = [...container][step[1]];
    return entry ? entry[step[0] === 'k' ? 0 : 1] : undefined;
  }
  if (container instanceof Set) return [...container][step[1]];
  return undefined;
}

/**
 * Rebuilds the Buffers of a received clone in place, at the places `bufferPaths` listed; returns the
 * (possibly replaced) root.
 *
 * @example
 * ```ts
 * const clone = structuredClone({ data: Buffer.from('hi') }); // data is a Uint8Array now
 * reviveBuffers(clone, [['data']]).data.toString(); // 'hi'
 * ```
 */
export function reviveBuffers<T>(root: T, paths: readonly BufferPath[]): T {
  let out: unknown = root;
  // One Buffer per cloned Uint8Array, so a Buffer that was shared stays shared.
  const made = new Map<unknown, unknown>();
  const make = (old: unknown): unknown => {
    let b = made.get(old);
    if (b === undefined) {
      b = toBuffer(old);
      made.set(old, b);
    }
    return b;
  };
  for (const path of paths) {
    if (path.length === 0) {
      out = make(out);
      continue;
    }
    let container: unknown = out;
    for (let i = 0; i < path.length - 1 && container !== null && typeof container === 'object'; i++) {
      container = valueAt(container, path[i]!);
    }
    if (container !== null && typeof container === 'object') replaceAt(container, path.at(-1)!, make);
  }
  return out as T;
}

function isEnvelope(value: unknown): value is Envelope {
  return (
    value !== null &&
    typeof value === 'object' &&
    Object.hasOwn(value, TAG) &&
    Array.isArray((value as Envelope)[TAG])
  );
}

/**
 * The arguments to send, led by a marker that lists where the Buffers of `args` are (`paths` from
 * `bufferPaths(args)`, taken before the arguments were cloned).
 *
 * @example
 * ```ts
 * const paths = bufferPaths(args);
 * const sent = paths.length > 0 ? markBufferArgs(structuredClone(args), paths) : structuredClone(args);
 * ```
 */
export function markBufferArgs(args: readonly unknown[], paths: readonly BufferPath[]): unknown[] {
  const marker: Envelope = { [TAG]: paths };
  return [marker, ...args];
}

/**
 * The arguments a task is called with: a leading marker is removed and the Buffers it lists are
 * rebuilt; arguments without a marker are returned as they are.
 *
 * @example
 * ```ts
 * const args = unmarkBufferArgs(message.args); // Buffers are Buffers again
 * ```
 */
export function unmarkBufferArgs(args: readonly unknown[]): readonly unknown[] {
  const first = args[0];
  if (!isEnvelope(first)) return args;
  return reviveBuffers(args.slice(1), first[TAG]);
}

/**
 * A result value to send back: wrapped with the places of its Buffers when it has any.
 *
 * @example
 * ```ts
 * const sent = wrapBufferResult(value); // value itself, or an envelope listing its Buffers
 * ```
 */
export function wrapBufferResult(value: unknown): unknown {
  const paths = bufferPaths(value);
  if (paths.length === 0) return value;
  const envelope: Envelope = { [TAG]: paths, value };
  return envelope;
}

/**
 * A received result value with its Buffers rebuilt (a value that is not an envelope is returned as
 * it is).
 *
 * @example
 * ```ts
 * const value = unwrapBufferResult(result.value);
 * ```
 */
export function unwrapBufferResult(value: unknown): unknown {
  if (!isEnvelope(value)) return value;
  return reviveBuffers(value.value, value[TAG]);
}
