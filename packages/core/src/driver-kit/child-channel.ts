/**
 * The parent's side of the channel between a driver and one of its child processes (a `fork` child, a
 * pool's worker process), used instead of Node's IPC channel: two extra stdio pipes, one per direction,
 * carrying length-prefixed `v8.serialize` frames — or fast-codec.ts's encoding for small messages of
 * primitives (see frame-reader.ts for why and for the format).
 *
 * What it protects against: bytes a task writes to any of its descriptors (garbage, a truncated or huge
 * frame, a frame that does not deserialize, a forged frame without the child's key) are reported once
 * through `onCorrupt` and never thrown in the parent; the driver then fails that child's task with
 * `channelCorruptedFailure` and kills the child. What it cannot do: stop a task from killing its own
 * process, from reading the frames meant for its process, or from reading its process's memory.
 */
import type { ChildProcess } from 'node:child_process';
import type { Readable, Writable } from 'node:stream';
import { serialize } from 'node:v8';
import { encodeFast } from './fast-codec.js';
import { FrameReader } from './frame-reader.js';

/** Where the channel's pipes sit in a child's stdio: fd 3 carries jobs to it, fd 4 its answers. */
export const CHANNEL_FDS = { toChild: 3, fromChild: 4 } as const;

/** Options of {@link ChildChannel}. */
export interface ChildChannelOptions {
  /** A value the child sent (already decoded; its shape is the driver's to check). */
  readonly onMessage: (value: unknown) => void;
  /**
   * The channel was corrupted (once): `detail` says how. Nothing more is delivered. `atEnd`: the pipe
   * ended inside a frame — a child that died while writing (a kill, a crash) looks the same, so the
   * driver may prefer what the exit tells.
   */
  readonly onCorrupt: (detail: string, atEnd: boolean) => void;
  /** Where the pipes are in the child's stdio (default {@link CHANNEL_FDS}). */
  readonly fds?: { readonly toChild: number; readonly fromChild: number } | undefined;
}

/**
 * The stdio array of a child that gets a channel: `base` (stdin, stdout, stderr, maybe more) with the
 * channel's two pipes at their descriptors (slots in between are `'ignore'` unless `base` fills them).
 *
 * @example
 * ```ts
 * spawn(node, args, { stdio: channelStdio(['ignore', 'inherit', 'pipe']) });
 * // ['ignore', 'inherit', 'pipe', 'pipe', 'pipe']
 * ```
 */
export function channelStdio(
  base: readonly (string | number)[],
  fds: { readonly toChild: number; readonly fromChild: number } = CHANNEL_FDS,
): (string | number)[] {
  const stdio: (string | number)[] = [...base];
  const size = Math.max(stdio.length, fds.toChild + 1, fds.fromChild + 1);
  for (let i = stdio.length; i < size; i++) stdio.push('ignore');
  stdio[fds.toChild] = 'pipe';
  stdio[fds.fromChild] = 'pipe';
  return stdio;
}

/**
 * One child's channel, parent side.
 *
 * @example
 * ```ts
 * const child = spawn(process.execPath, [entry], { stdio: channelStdio(['ignore', 'inherit', 'pipe']) });
 * const channel = new ChildChannel(child, { onMessage: handle, onCorrupt: (detail) => failAndKill(detail) });
 * channel.send({ t: 'job', id: 1 });
 * ```
 */
export class ChildChannel {
  readonly #toChild: Writable & Readable;
  readonly #fromChild: Readable;
  readonly #reader: FrameReader;
  readonly #closed: Promise<void>;
  #open = true;

  /** Throws when the child has no pipes at the channel's descriptors (it could not be spawned). */
  constructor(child: ChildProcess, options: ChildChannelOptions) {
    const fds = options.fds ?? CHANNEL_FDS;
    const toChild = child.stdio[fds.toChild] as (Writable & Readable) | null | undefined;
    const fromChild = child.stdio[fds.fromChild] as Readable | null | undefined;
    if (!toChild || !fromChild) throw new Error('the child process has no channel pipes');
    this.#toChild = toChild;
    this.#fromChild = fromChild;
    let corrupted = false;
    let ending = false;
    const onCorrupt = (detail: string): void => {
      if (corrupted) return;
      corrupted = true;
      options.onCorrupt(detail, ending);
    };
    this.#reader = new FrameReader({ keyed: true, onFrame: options.onMessage, onCorrupt });
    fromChild.on('data', (chunk: Buffer) => this.#reader.push(chunk));
    fromChild.on('end', () => {
      ending = true;
      this.#reader.end();
    });
    // Only the parent writes on this pipe; what comes back on it was written by the task.
    toChild.on('data', (chunk: Buffer) =>
      onCorrupt(`${chunk.length} bytes on the driver's job pipe (${chunk.subarray(0, 8).toString('hex')}…)`),
    );
    // A child that died, or a task that closed its end: the exit is what reports it.
    toChild.on('error', () => this.#shut());
    fromChild.on('error', () => {});
    toChild.on('close', () => this.#shut());
    this.#closed = new Promise((resolve) => {
      if (fromChild.destroyed) resolve();
      else fromChild.once('close', () => resolve());
    });
  }

  /** False once the pipe to the child is closed (it died, or is dying). */
  get open(): boolean {
    return this.#open;
  }

  /** The child's answers have all been read (its pipe closed). */
  get closed(): Promise<void> {
    return this.#closed;
  }

  /** The pipe of the child's answers (to wait for its end, e.g. with `afterChildDrained`). */
  get answers(): Readable {
    return this.#fromChild;
  }

  /** What was wrong with the child's answers, if anything. */
  get corruption(): string | undefined {
    return this.#reader.corruption;
  }

  /**
   * Sends one value. Throws (synchronously, like Node's `child.send` with advanced serialization) when
   * it cannot be serialized; does nothing once the pipe is closed.
   */
  send(value: unknown): void {
    // Small messages of primitives (most jobs) skip V8's serializer: see fast-codec.ts.
    const payload = encodeFast(value) ?? serialize(value);
    if (!this.#open) return;
    const pipe = this.#toChild;
    if (payload.length < 65_536) {
      const frame = Buffer.allocUnsafe(4 + payload.length);
      frame.writeUInt32BE(payload.length, 0);
      frame.set(payload, 4);
      pipe.write(frame);
    } else {
      const header = Buffer.allocUnsafe(4);
      header.writeUInt32BE(payload.length, 0);
      pipe.cork();
      pipe.write(header);
      pipe.write(payload);
      pipe.uncork();
    }
  }

  /** Keeps (true) or stops keeping (false) the parent's event loop alive for this channel. */
  ref(on: boolean): void {
    for (const pipe of [this.#toChild, this.#fromChild] as { ref?: () => void; unref?: () => void }[]) {
      if (on) pipe.ref?.();
      else pipe.unref?.();
    }
  }

  #shut(): void {
    this.#open = false;
  }
}
