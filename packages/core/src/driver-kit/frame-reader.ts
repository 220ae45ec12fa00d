/**
 * The decoder of isolane's process channel: a byte stream cut into length-prefixed frames, each one
 * `v8.serialize`d value. It replaces Node's own IPC channel for the drivers' child processes, because
 * Node's parser (lib/internal/child_process.js, `channel.onread` → `parseChannelMessages`) runs the
 * deserializer inside a libuv callback with no try/catch: a task that writes garbage to its fd 3 throws
 * in the parent's event loop and kills the host, a huge length header makes it wait for bytes that never
 * come (the result is swallowed), and a well-formed frame is taken for the driver's own message. Here
 * every byte is checked before it is trusted: a frame that is too long, that does not start with the
 * child's key, or that does not deserialize is reported (never thrown), and the stream is given up.
 *
 * Wire format. A keyed stream (child → parent) starts with the child's random key (FRAME_KEY_BYTES), then
 * frames of `u32 BE payload length | key | payload`; the key is checked as soon as a frame's header is
 * in, so a bogus length cannot make the reader wait. An unkeyed stream (parent → child: nothing but the
 * parent writes there) has frames of `u32 BE payload length | payload`. A payload is `v8.serialize`'s, or
 * for small messages of primitives the fast encoding of fast-codec.ts (told apart by its first byte).
 */
import { deserialize } from 'node:v8';
import { decodeFast, FAST_TAG } from './fast-codec.js';

// Taken when this module loads, before any bootstrap or task runs: in a pool worker process the reader
// of the job pipe must keep working after a task patched `Array.prototype.push`, `Buffer.concat` or a
// Buffer method (it did not: a patched `push` dropped every later chunk and killed the worker).
const { bind, call } = Function.prototype;
const uncurried = <A extends unknown[], R>(method: (this: Buffer, ...args: A) => R) =>
  bind.call(call, method) as (self: Buffer, ...args: A) => R;
const concat: typeof Buffer.concat = Buffer.concat.bind(Buffer);
const copyOf: (bytes: Uint8Array) => Buffer = Buffer.from.bind(Buffer) as (bytes: Uint8Array) => Buffer;
const readLength = uncurried(Buffer.prototype.readUInt32BE) as (self: Buffer, offset: number) => number;
const slice = uncurried(Buffer.prototype.subarray) as (self: Buffer, start: number, end?: number) => Buffer;
const equal = uncurried(Buffer.prototype.equals);
const toHex = uncurried(Buffer.prototype.toString) as (self: Buffer, encoding: 'hex') => string;

const EMPTY = Buffer.alloc(0);

/** Bytes of the random key a child's frames carry. */
export const FRAME_KEY_BYTES = 16;
/** The largest payload a frame may announce (2 GiB - 1): a longer header is corruption. */
export const MAX_FRAME_BYTES = 2 ** 31 - 1;

/** Options of {@link FrameReader}. */
export interface FrameReaderOptions {
  /** The stream starts with the writer's key, and every frame repeats it (child → parent). */
  readonly keyed: boolean;
  /** Called with each value, in order. */
  readonly onFrame: (value: unknown) => void;
  /** Called once with what was wrong; nothing more is read after it. */
  readonly onCorrupt: (detail: string) => void;
  /** Payload size limit (default {@link MAX_FRAME_BYTES}). */
  readonly maxFrameBytes?: number | undefined;
}

/**
 * Cuts a byte stream into frames and decodes them; never throws for what the stream holds.
 *
 * @example
 * ```ts
 * const reader = new FrameReader({ keyed: true, onFrame: handle, onCorrupt: (d) => kill(d) });
 * socket.on('data', (chunk) => reader.push(chunk));
 * socket.on('end', () => reader.end());
 * ```
 */
export class FrameReader {
  readonly #options: FrameReaderOptions;
  readonly #header: number;
  readonly #max: number;
  #key: Buffer | undefined;
  /** Received bytes not consumed yet: `#chunks[#first..]` (no Array methods: see the captures above). */
  #chunks: Buffer[] = [];
  #first = 0;
  #size = 0;
  #corrupt: string | undefined;
  #ended = false;

  constructor(options: FrameReaderOptions) {
    this.#options = options;
    this.#header = options.keyed ? 4 + FRAME_KEY_BYTES : 4;
    this.#max = options.maxFrameBytes ?? MAX_FRAME_BYTES;
  }

  /** What was wrong with the stream (undefined while it is sound). */
  get corruption(): string | undefined {
    return this.#corrupt;
  }

  /** Bytes received that do not make a whole frame yet. */
  get pending(): number {
    return this.#size;
  }

  /** Feeds the next bytes of the stream. */
  push(chunk: Buffer): void {
    if (this.#corrupt !== undefined || this.#ended || chunk.length === 0) return;
    this.#chunks[this.#chunks.length] = chunk;
    this.#size += chunk.length;
    this.#drain();
  }

  /** The stream ended: bytes left over are an incomplete frame (reported as corruption). */
  end(): void {
    if (this.#ended) return;
    this.#ended = true;
    if (this.#corrupt !== undefined || this.#size === 0) return;
    const what = this.#key === undefined && this.#options.keyed ? 'key' : 'frame';
    this.#fail(`an incomplete ${what} (${this.#size} bytes) when the channel closed`);
  }

  #drain(): void {
    if (this.#key === undefined && this.#options.keyed) {
      if (this.#size < FRAME_KEY_BYTES) return;
      this.#key = copyOf(this.#take(FRAME_KEY_BYTES));
    }
    while (this.#size >= this.#header && this.#corrupt === undefined) {
      const head = this.#peek(this.#header);
      const length = readLength(head, 0);
      const key = this.#key;
      if (key !== undefined && !equal(key, slice(head, 4, this.#header))) {
        this.#fail(`bytes that are not a frame of the driver's (${describeBytes(head)})`);
        return;
      }
      if (length > this.#max) {
        this.#fail(`a frame header announcing ${length} bytes, over the ${this.#max}-byte maximum`);
        return;
      }
      if (this.#size < this.#header + length) return;
      const frame = this.#take(this.#header + length);
      let value: unknown;
      try {
        const payload = slice(frame, this.#header);
        value = payload[0] === FAST_TAG ? decodeFast(payload) : deserialize(payload);
      } catch (err) {
        this.#fail(`a frame that does not deserialize (${err instanceof Error ? err.message : String(err)})`);
        return;
      }
      this.#options.onFrame(value);
    }
  }

  /** The first `n` buffered bytes, without consuming them (n ≤ size). */
  #peek(n: number): Buffer {
    const first = this.#chunks[this.#first]!;
    return first.length >= n ? first : this.#joined();
  }

  /** Consumes the first `n` buffered bytes (n ≤ size). */
  #take(n: number): Buffer {
    let first = this.#chunks[this.#first]!;
    if (first.length < n) first = this.#joined();
    const out = slice(first, 0, n);
    if (first.length === n) {
      this.#chunks[this.#first++] = EMPTY;
      if (this.#first === this.#chunks.length) {
        this.#chunks = [];
        this.#first = 0;
      }
    } else this.#chunks[this.#first] = slice(first, n);
    this.#size -= n;
    return out;
  }

  /** Every buffered byte as one chunk (which it then is). */
  #joined(): Buffer {
    const parts: Buffer[] = [];
    for (let i = this.#first; i < this.#chunks.length; i++) parts[i - this.#first] = this.#chunks[i]!;
    const joined = concat(parts, this.#size);
    this.#chunks = [joined];
    this.#first = 0;
    return joined;
  }

  #fail(detail: string): void {
    this.#corrupt = detail;
    this.#chunks = [];
    this.#first = 0;
    this.#size = 0;
    this.#options.onCorrupt(detail);
  }
}

/** The first bytes of a bad header, in hex, for the failure's message. */
function describeBytes(bytes: Buffer): string {
  return `starting ${toHex(slice(bytes, 0, 8), 'hex')}`;
}
