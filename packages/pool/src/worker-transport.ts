/**
 * How the pool's worker entry talks to the pool, in a worker thread or in a worker process: the entry
 * (worker-entry.ts) is one, and runs its jobs the same way in both; only this differs.
 *
 * - A thread gets a MessagePort and a shared start counter: a message goes out at once, messages can be
 *   polled synchronously (cancels between jobs, the short spin after a lone task), and the counter is
 *   one atomic store.
 * - A process has its IPC channel (advanced serialization), which cannot be polled: messages are
 *   gathered into a packet that goes out in one write when the worker is about to start a job or when
 *   its run of jobs pauses (a microtask later) — an answer is never held back behind a task. Its start
 *   counter is an int32 it writes (pwrite) into a file the parent reads back when it needs it; the
 *   same file brings it the key that starts every packet.
 */
import { readSync, writeSync } from 'node:fs';
import { isMainThread, receiveMessageOnPort, workerData } from 'node:worker_threads';
import { startParentWatchdog, unsendableResult } from '@isolane/core/runtime';
import {
  FROM_WORKER_FAIL,
  FROM_WORKER_OK,
  KEY_BYTES,
  KEY_OFFSET,
  type ProcessBoot,
  STARTED_SLOT,
  type WorkerBoot,
} from './protocol.js';

/** The entry's side of the channel to the pool. */
export interface EntryTransport {
  /** Module URL loaded once before the first task. */
  readonly bootstrap: string | undefined;
  /** tsx's ESM API for a thread that must hook itself; undefined in a process (its flags do it). */
  readonly tsx: string | undefined;
  readonly maxHeapBytes: number;
  readonly preload: readonly string[];
  /** Messages can be read synchronously (`poll`). */
  readonly canPoll: boolean;
  /** Sends a message; a thread throws when a value cannot be cloned (a process reports it instead). */
  post(message: unknown[]): void;
  /** The next message already received, if any (a process never has one to poll). */
  poll(): unknown[] | undefined;
  /** The worker starts its `seq`-th job now: the pool must know it even if the worker dies in it. */
  markStarted(seq: number): void;
  /** Sends what waits to be sent now (the worker is exiting). */
  flush(): void;
  onMessage(handler: (message: unknown[]) => void): void;
}

/**
 * The transport of this worker: its thread port, or its process's IPC channel.
 *
 * @example
 * ```ts
 * const transport = entryTransport();
 * transport.onMessage((m) => absorb(m));
 * ```
 */
export function entryTransport(): EntryTransport {
  return isMainThread ? processTransport() : threadTransport();
}

function threadTransport(): EntryTransport {
  const boot = workerData as WorkerBoot;
  const port = boot.port;
  const counter = new Int32Array(boot.started);
  return {
    bootstrap: boot.bootstrap,
    tsx: boot.tsx,
    maxHeapBytes: boot.maxHeapBytes,
    preload: boot.preload,
    canPoll: true,
    post: (message) => port.postMessage(message),
    poll: () => receiveMessageOnPort(port)?.message as unknown[] | undefined,
    markStarted: (seq) => Atomics.store(counter, STARTED_SLOT, seq),
    flush: () => {},
    onMessage: (handler) => port.on('message', handler),
  };
}

function processTransport(): EntryTransport {
  const boot = JSON.parse(process.argv[2] ?? '{}') as ProcessBoot;
  // Captured now: a task that replaces process.send or process.on cannot cut the pool off.
  const send = process.send?.bind(process);
  const on = process.on.bind(process);
  if (send === undefined) throw new Error('the pool worker entry runs in a worker thread or a forked child');
  const counter = new Int32Array(1);
  const counterBytes = new Uint8Array(counter.buffer);
  const startedFd = boot.startedFd;
  // The packet key the parent left in the counter file, read and wiped before any task or bootstrap
  // runs: a task's own process.send() cannot make the pool believe it is this entry speaking.
  const keyBytes = Buffer.alloc(KEY_BYTES);
  readSync(startedFd, keyBytes, 0, KEY_BYTES, KEY_OFFSET);
  const key = keyBytes.toString('hex');
  writeSync(startedFd, Buffer.alloc(KEY_BYTES), 0, KEY_BYTES, KEY_OFFSET);
  /** The packet being gathered: the key, then the messages. */
  let outbox: unknown[] = [key];
  let flushQueued = false;

  const flush = (): void => {
    flushQueued = false;
    if (outbox.length === 1) return;
    const packet = outbox;
    outbox = [key];
    if (!process.connected) return;
    try {
      send(packet);
    } catch {
      // Some value in it cannot be serialized: each message alone, so only its own task fails.
      for (let i = 1; i < packet.length; i++) sendAlone(packet[i] as unknown[]);
    }
  };
  const sendAlone = (message: unknown[]): void => {
    try {
      send([key, message]);
    } catch (err) {
      // Only an answer has a value of the task's in it: it fails with core's one fallback.
      if (message[0] !== FROM_WORKER_OK && message[0] !== FROM_WORKER_FAIL) return;
      send([key, [FROM_WORKER_FAIL, message[1], unsendableResult(err), message[3]]]);
    }
  };

  // The parent is gone (even by SIGKILL, the channel closes): nobody is left to read an answer.
  on('disconnect', () => process.exit(0));
  const parent = process.ppid;
  setInterval(() => {
    if (process.ppid !== parent) process.exit(0);
  }, 500).unref();
  // Where the kernel does not guard this child, a thread does (a task may be stuck in synchronous code).
  if (boot.watchdogMs > 0) void startParentWatchdog(boot.watchdogMs);

  return {
    bootstrap: boot.bootstrap,
    tsx: undefined,
    maxHeapBytes: boot.maxHeapBytes,
    preload: boot.preload,
    canPoll: false,
    post: (message) => {
      outbox.push(message);
      if (!flushQueued) {
        flushQueued = true;
        queueMicrotask(flush);
      }
    },
    poll: () => undefined,
    markStarted: (seq) => {
      // Answers waiting in the outbox go before the task runs: it may run for ever, or crash.
      if (outbox.length > 1) flush();
      counter[0] = seq;
      writeSync(startedFd, counterBytes, 0, 4, 0);
    },
    flush,
    onMessage: (handler) => on('message', handler as (message: unknown) => void),
  };
}
