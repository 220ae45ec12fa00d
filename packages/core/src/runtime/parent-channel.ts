/**
 * A child process's side of its channel to the driver (a `fork` child, a pool worker process): the two
 * pipes driver-kit's `ChildChannel` gives it instead of Node's IPC channel. Answers go out as keyed
 * frames (`u32 BE length | key | payload`, `v8.serialize(value)` or for a small message of primitives
 * driver-kit's fast-codec.ts encoding; see frame-reader.ts), each in one
 * blocking `writev` — synchronous, so nothing is pending when the process exits and an answer is never
 * held behind a task. Jobs come in as unkeyed frames on the other pipe; its end means the parent is gone.
 *
 * The key is drawn here, when the entry opens the channel, before any bootstrap or task code runs, and is
 * written first on the answer pipe; it lives only in this closure. A task can write anything to any of
 * its descriptors, but without the key a frame it forges is corruption, never an answer. Everything
 * used on the send path is captured at load, so a task that patches `fs`, `v8`, `Buffer` or `Reflect`
 * cannot read the key or redirect the driver's answers.
 */
import { randomFillSync } from 'node:crypto';
import * as fs from 'node:fs';
import { Socket } from 'node:net';
import * as v8 from 'node:v8';
import { encodeFast } from '../driver-kit/fast-codec.js';
import { FRAME_KEY_BYTES, FrameReader } from '../driver-kit/frame-reader.js';

// Copies, not live bindings: `syncBuiltinESMExports()` after a patch of `fs.writeSync` would change an
// imported name, never these.
const writeSync = fs.writeSync;
const writevSync = fs.writevSync;
const serialize = v8.serialize;
const bufferConcat = Buffer.concat;

const { bind, call } = Function.prototype;
const setUint32 = bind.call(call, DataView.prototype.setUint32) as (
  view: DataView,
  offset: number,
  value: number,
) => void;
const atomicsWait = Atomics.wait;
const int32Array = Int32Array;

/** Options of {@link openParentChannel}. */
export interface ParentChannelOptions {
  /** The descriptor the parent's frames arrive on (default 3). */
  readonly fromParent?: number | undefined;
  /** The descriptor this child's frames go out on (default 4). */
  readonly toParent?: number | undefined;
}

/** A child's channel to its parent. */
export interface ParentChannel {
  /** Sends one value; throws when it cannot be serialized (nothing is written then). */
  post(value: unknown): void;
  /** Calls `handler` with every value the parent sends (in order). */
  onMessage(handler: (value: unknown) => void): void;
  /** Calls `handler` once when the parent is gone (or its pipe broke). */
  onClose(handler: () => void): void;
  /** Stops the incoming pipe from keeping this process alive (the child may exit once idle). */
  unref(): void;
}

/**
 * Opens the channel (writes the key first). Call it from the entry, before any bootstrap or task runs.
 *
 * @example
 * ```ts
 * const channel = openParentChannel();
 * channel.onMessage((job) => run(job));
 * channel.onClose(() => process.exit(0));
 * channel.post({ t: 'start' });
 * ```
 */
export function openParentChannel(options: ParentChannelOptions = {}): ParentChannel {
  const inFd = options.fromParent ?? 3;
  const outFd = options.toParent ?? 4;
  const header = Buffer.alloc(4 + FRAME_KEY_BYTES);
  const key = header.subarray(4);
  randomFillSync(key);
  const view = new DataView(header.buffer, header.byteOffset, 4);
  let broken = false;
  writeAll(outFd, [key]);

  const handlers: ((value: unknown) => void)[] = [];
  const closers: (() => void)[] = [];
  let closed = false;
  const close = (): void => {
    if (closed) return;
    closed = true;
    for (const then of closers) then();
  };
  const reader = new FrameReader({
    keyed: false,
    onFrame: (value) => {
      for (const handler of handlers) handler(value);
    },
    // Only the parent writes there: this cannot happen unless a task read from the pipe.
    onCorrupt: close,
  });
  const socket = new Socket({ fd: inFd, readable: true, writable: false });
  socket.on('data', (chunk: Buffer) => reader.push(chunk));
  socket.on('end', close);
  socket.on('close', close);
  socket.on('error', close);

  function writeAll(fd: number, buffers: Uint8Array[]): void {
    if (broken) return;
    let total = 0;
    for (const b of buffers) total += b.length;
    try {
      let written = 0;
      try {
        written = writevSync(fd, buffers);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EAGAIN') throw err;
      }
      // A blocking pipe writes everything at once unless a signal interrupts it: finish the rest.
      if (written < total) {
        const rest = bufferConcat(buffers, total).subarray(written);
        let at = 0;
        while (at < rest.length) at += writeRetrying(fd, rest, at);
      }
    } catch {
      // The parent is gone (EPIPE): nobody is left to read; the incoming pipe's end exits the child.
      broken = true;
    }
  }

  return {
    post(value) {
      // Small answers of primitives skip V8's serializer (see fast-codec.ts); the view is written at once.
      const payload = encodeFast(value) ?? serialize(value);
      setUint32(view, 0, payload.length);
      writeAll(outFd, [header, payload]);
    },
    onMessage(handler) {
      handlers.push(handler);
    },
    onClose(handler) {
      closers.push(handler);
      if (closed) handler();
    },
    unref() {
      socket.unref();
    },
  };
}

/** One `write`, waiting out EAGAIN (a descriptor someone made non-blocking). */
function writeRetrying(fd: number, buffer: Buffer, at: number): number {
  for (;;) {
    try {
      return writeSync(fd, buffer, at);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EAGAIN') throw err;
      atomicsWait(new int32Array(new SharedArrayBuffer(4)), 0, 0, 1);
    }
  }
}
