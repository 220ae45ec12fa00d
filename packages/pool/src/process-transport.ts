/**
 * The pool worker's transport in a worker process: its IPC channel (advanced serialization), which
 * cannot be polled. Messages are gathered into a packet that goes out in one write when the worker is
 * about to start a job or when its run of jobs pauses (a microtask later) — an answer is never held back
 * behind a task. Its start counter is an int32 it writes (pwrite) into a file the parent reads back when
 * it needs it; the same file brings it the key that starts every packet.
 */
import { readSync, writeSync } from 'node:fs';
import { microtask, realProcess, startParentWatchdog, unsendableResult } from '@isolane/core/runtime';
import { FROM_WORKER_FAIL, FROM_WORKER_OK, KEY_BYTES, KEY_OFFSET, type ProcessBoot } from './protocol.js';
import type { EntryTransport } from './worker-transport.js';

/**
 * The transport of a pool worker process.
 *
 * @example
 * ```ts
 * const transport = processTransport();
 * ```
 */
export function processTransport(): EntryTransport {
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
    if (!realProcess.connected) return;
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
  const exit = realProcess.exit.bind(realProcess);
  on('disconnect', () => exit(0));
  const parent = process.ppid;
  setInterval(() => {
    if (realProcess.ppid !== parent) exit(0);
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
      outbox[outbox.length] = message; // not push: a task may have replaced it
      if (!flushQueued) {
        flushQueued = true;
        microtask(flush);
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
