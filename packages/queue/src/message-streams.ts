/**
 * How a queue task's two-way messages (issue 18) are kept in Redis: two streams per job that uses them,
 * next to the job's own keys — `<job key>:isolane-out` (task -> caller: messages and the task's credits)
 * and `<job key>:isolane-in` (caller -> task: messages and the caller's credits). Each entry holds one
 * frame as a structured-clone snapshot (field `f`). The reader of a stream trims what it has read, and the
 * message window bounds what is unread, so a stream never holds more than about a window of frames. Jobs
 * that never message have no stream. Progress reports do not use them: they travel as BullMQ's job
 * progress (task-frames.ts).
 */
import { MESSAGE_WINDOW } from '@isolane/core/driver-kit';
import { decode, encode } from './wire.js';

/** A stream entry as Redis returns it: its id and its fields, flat. */
export type StreamEntry = readonly [id: string, fields: readonly string[]];

/** A message stream's key suffix after the job's key: task -> caller. */
export const OUT_SUFFIX = ':isolane-out';
/** A message stream's key suffix after the job's key: caller -> task. */
export const IN_SUFFIX = ':isolane-in';

/**
 * Every write refreshes this expiry on its stream, ms: a safety net for streams whose producer died
 * (the producer deletes them as soon as their slot settles).
 */
export const STREAM_TTL_MS = 24 * 60 * 60 * 1000;

/**
 * One frame as the `f` field of a stream entry. Throws when the value cannot be serialized.
 *
 * @example
 * ```ts
 * client.xadd(key, '*', 'f', frameText({ t: 'msg', v: 1 }));
 * ```
 */
export function frameText(frame: object): string {
  return encode(frame);
}

/**
 * The frame of a stream entry, or a description of what is wrong with it (a stream anyone with access to
 * Redis can write to is read as untrusted input).
 *
 * @example
 * ```ts
 * const read = entryFrame(['1-0', ['f', frameText({ t: 'msg', v: 1 })]]); // { frame: { t: 'msg', v: 1 } }
 * ```
 */
export function entryFrame(entry: StreamEntry): { frame: unknown } | { problem: string } {
  const fields = entry[1];
  if (!Array.isArray(fields) || fields.length !== 2 || fields[0] !== 'f' || typeof fields[1] !== 'string') {
    return { problem: 'a message stream entry that is not an isolane frame' };
  }
  try {
    return { frame: decode(fields[1]) };
  } catch (err) {
    return { problem: `a message stream entry that cannot be read (${(err as Error).message})` };
  }
}

/**
 * What is wrong with a frame read from the caller -> task stream (`{ t: 'msg', v }` or
 * `{ t: 'credit', n }` with a whole `n` from 1 to the window, optionally `progress: true`), or undefined.
 *
 * @example
 * ```ts
 * callerFrameProblem({ t: 'credit', n: 16 }); // undefined
 * callerFrameProblem({ t: 'progress', v: 1 }); // 'a caller frame of type "progress"'
 * ```
 */
export function callerFrameProblem(frame: unknown): string | undefined {
  if (typeof frame !== 'object' || frame === null) return 'a caller frame that is not an object';
  const f = frame as { t?: unknown; v?: unknown; n?: unknown };
  if (f.t === 'msg') return Object.hasOwn(f, 'v') ? undefined : 'a caller message without a value';
  if (f.t === 'credit') {
    const n = f.n;
    return typeof n === 'number' && Number.isInteger(n) && n >= 1 && n <= MESSAGE_WINDOW
      ? undefined
      : `a caller credit of ${String(n)}`;
  }
  return `a caller frame of type ${JSON.stringify(String(f.t))}`;
}

/**
 * Compares two stream ids (`<ms>-<seq>`): negative, 0 or positive.
 *
 * @example
 * ```ts
 * compareIds('5-1', '5-0'); // 1
 * ```
 */
export function compareIds(a: string, b: string): number {
  const [am = 0, as = 0] = a.split('-').map(Number);
  const [bm = 0, bs = 0] = b.split('-').map(Number);
  return am === bm ? as - bs : am - bm;
}

/**
 * The smallest id after `id`: trimming with `MINID` at it removes `id` and everything before.
 *
 * @example
 * ```ts
 * nextId('5-1'); // '5-2'
 * ```
 */
export function nextId(id: string): string {
  const [ms = '0', seq = '0'] = id.split('-');
  return `${ms}-${Number(seq) + 1}`;
}

/**
 * The entries of each stream in an XREAD reply, under RESP2 (`[[key, entries], ...]`) or RESP3 (a map,
 * which ioredis gives flat: `[key, entries, key, entries, ...]`). Empty for a timeout (null).
 *
 * @example
 * ```ts
 * for (const [key, entries] of readReply(await client.call('XREAD', 'STREAMS', 'k', '0-0'))) console.log(key, entries.length);
 * ```
 */
export function readReply(reply: unknown): [key: string, entries: StreamEntry[]][] {
  if (!Array.isArray(reply)) return [];
  const out: [string, StreamEntry[]][] = [];
  if (typeof reply[0] === 'string') {
    for (let i = 0; i + 1 < reply.length; i += 2) out.push([String(reply[i]), reply[i + 1] as StreamEntry[]]);
    return out;
  }
  for (const pair of reply) {
    if (Array.isArray(pair)) out.push([String(pair[0]), pair[1] as StreamEntry[]]);
  }
  return out;
}

/** How long a notice for a job not (yet) known here is remembered, ms. */
export const NOTICE_MEMORY_MS = 60_000;

/**
 * Remembers `id` in `seen` (id → when) for {@link NOTICE_MEMORY_MS}: a notice that came before its job is
 * known here (its add() has not answered, or it has not started on this worker). Past 1,000 entries the
 * expired ones go; past 10,000 (a flood of notices for other processes' jobs) all of them.
 *
 * @example
 * ```ts
 * const early = new Map<string, number>();
 * rememberNotice(early, jobId);
 * if (early.delete(jobId)) console.log('it was announced');
 * ```
 */
export function rememberNotice(seen: Map<string, number>, id: string): void {
  const now = performance.now();
  if (seen.size >= 1_000) {
    for (const [known, at] of seen) if (now - at > NOTICE_MEMORY_MS) seen.delete(known);
    if (seen.size >= 10_000) seen.clear();
  }
  seen.set(id, now);
}
