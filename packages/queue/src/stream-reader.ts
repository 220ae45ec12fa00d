/**
 * One blocking reader of many message streams (message-streams.ts): a dedicated Redis connection that
 * loops on `XREAD BLOCK` over every stream it watches, in one command, and trims each stream up to what it
 * has read in the same round trip as the next read. A newly watched stream interrupts the read in flight
 * (`CLIENT UNBLOCK`, from the command connection); should that be refused, the read ends by its own block
 * timeout. Made on first use only — a producer or worker whose jobs never message has no such connection —
 * and idle (no command) while it watches nothing.
 */
import type { Redis } from 'ioredis';
import { nextId, readReply, type StreamEntry } from './message-streams.js';

/** How long one XREAD blocks, ms: the worst delay before a stream watched during a read is read. */
export const BLOCK_MS = 1_000;
/** Entries per stream per read. */
const READ_COUNT = 256;

/** What a watched stream's entries go to. */
export type OnEntries = (entries: readonly StreamEntry[]) => void;

interface Watch {
  /** The id of the last entry read. */
  last: string;
  readonly onEntries: OnEntries;
}

const delay = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms).unref());

/**
 * Reads many streams on one blocking connection.
 *
 * @example
 * ```ts
 * const reader = new StreamReader(client);
 * reader.watch('bull:isolane:17:isolane-out', (entries) => console.log(entries.length));
 * reader.close();
 * ```
 */
export class StreamReader {
  readonly #command: Redis;
  readonly #blocking: Redis;
  readonly #watched = new Map<string, Watch>();
  /** Trims to send with the next read: stream key -> MINID. */
  readonly #trims = new Map<string, string>();
  /** The keys of the read in flight (undefined: none). */
  #reading: ReadonlySet<string> | undefined;
  #clientId: number | undefined;
  #running = false;
  #unblocking = false;
  #closed = false;

  /** `command`: a connection for commands; the reader opens its own blocking one from its options. */
  constructor(command: Redis, onError: (err: Error) => void = () => {}) {
    this.#command = command;
    this.#blocking = command.duplicate();
    this.#blocking.on('error', onError);
    // A reconnected connection has a new client id: read it again before the next read.
    this.#blocking.on('ready', () => {
      this.#clientId = undefined;
    });
  }

  /** Streams watched now. */
  get size(): number {
    return this.#watched.size;
  }

  /** The id of the last entry read from `key` (undefined: not watched, or nothing read yet). */
  lastRead(key: string): string | undefined {
    const last = this.#watched.get(key)?.last;
    return last === '0-0' ? undefined : last;
  }

  /** Reads `key` from its start (entries trimmed before were read by an earlier reader of it). */
  watch(key: string, onEntries: OnEntries): void {
    if (this.#closed || this.#watched.has(key)) return;
    this.#watched.set(key, { last: '0-0', onEntries });
    if (!this.#running) void this.#loop();
    else void this.#interrupt();
  }

  /** Stops reading `key` (its entries read so far are trimmed with the next read). */
  unwatch(key: string): void {
    this.#watched.delete(key);
  }

  /** Stops reading and drops the blocking connection. */
  close(): void {
    this.#closed = true;
    this.#watched.clear();
    this.#blocking.disconnect();
  }

  async #loop(): Promise<void> {
    this.#running = true;
    try {
      while (!this.#closed && this.#watched.size > 0) {
        if (this.#clientId === undefined) {
          try {
            this.#clientId = Number(await this.#blocking.client('ID'));
          } catch {
            if (!this.#closed) await delay(100);
            continue;
          }
        }
        const keys = [...this.#watched.keys()];
        const pipe = this.#blocking.pipeline();
        for (const [key, minId] of this.#trims) pipe.call('XTRIM', key, 'MINID', minId);
        this.#trims.clear();
        const ids = keys.map((k) => (this.#watched.get(k) as Watch).last);
        pipe.call('XREAD', 'COUNT', READ_COUNT, 'BLOCK', BLOCK_MS, 'STREAMS', ...keys, ...ids);
        this.#reading = new Set(keys);
        let replies: [Error | null, unknown][] | null;
        try {
          replies = await pipe.exec();
        } catch {
          replies = null;
        }
        this.#reading = undefined;
        const read = replies?.at(-1);
        if (!replies || !read || read[0]) {
          if (!this.#closed) await delay(100); // Redis unreachable: the drivers' watchdogs decide
          continue;
        }
        for (const [key, entries] of readReply(read[1])) {
          const watch = this.#watched.get(key);
          const last = entries.at(-1)?.[0];
          if (last === undefined) continue;
          this.#trims.set(key, nextId(last));
          if (!watch) continue;
          watch.last = last;
          watch.onEntries(entries);
        }
      }
    } finally {
      this.#running = false;
    }
  }

  /**
   * Ends the read in flight when it does not cover every watched stream. An unblock that reaches Redis
   * before the read has blocked does nothing: it is tried again while the same read is in flight.
   */
  async #interrupt(): Promise<void> {
    if (this.#unblocking) return;
    this.#unblocking = true;
    try {
      for (;;) {
        const reading = this.#reading;
        const id = this.#clientId;
        if (this.#closed || reading === undefined || id === undefined) return;
        if ([...this.#watched.keys()].every((k) => reading.has(k))) return;
        let unblocked: unknown;
        try {
          unblocked = await this.#command.client('UNBLOCK', id);
        } catch {
          return; // refused (ACL): the read ends by its block timeout
        }
        if (unblocked === 1 || this.#reading !== reading) return;
        await delay(2);
      }
    } finally {
      this.#unblocking = false;
    }
  }
}
