/**
 * The pool worker's transport in a worker process: core's channel to the parent (`openParentChannel`:
 * keyed, length-prefixed frames on fds 3 and 4, opened before any bootstrap or task runs, so a task
 * cannot forge an answer), which cannot be polled. Messages are gathered into a packet that goes out in
 * one frame when the worker is about to start a job or when its run of jobs pauses (at once when the job
 * loop ends its run, else a microtask later) — an answer is never held back behind a task. Its start counter is an int32 it writes (pwrite) into a
 * file the parent reads back when it needs it.
 */
import { writeSync } from 'node:fs';
import {
  microtask,
  openParentChannel,
  realProcess,
  startParentWatchdog,
  unsendableResult,
} from '@isolane/core/runtime';
import { FROM_WORKER_FAIL, FROM_WORKER_OK, type ProcessBoot } from './protocol.js';
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
  // First: the key is drawn and sent before any bootstrap or task code can run.
  const channel = openParentChannel();
  const send = channel.post;
  const counter = new Int32Array(1);
  const counterBytes = new Uint8Array(counter.buffer);
  const startedFd = boot.startedFd;
  /** The packet being gathered. */
  let outbox: unknown[] = [];
  let flushQueued = false;
  /** The job loop is in a run: it flushes when the run ends, no microtask needed. */
  let held = false;

  const flush = (): void => {
    flushQueued = false;
    if (outbox.length === 0) return;
    const packet = outbox;
    outbox = [];
    try {
      send(packet);
    } catch {
      // Some value in it cannot be serialized: each message alone, so only its own task fails.
      for (let i = 0; i < packet.length; i++) sendAlone(packet[i] as unknown[]);
    }
  };
  const sendAlone = (message: unknown[]): void => {
    try {
      send([message]);
    } catch (err) {
      // Only an answer has a value of the task's in it: it fails with core's one fallback.
      if (message[0] !== FROM_WORKER_OK && message[0] !== FROM_WORKER_FAIL) return;
      send([[FROM_WORKER_FAIL, message[1], unsendableResult(err), message[3]]]);
    }
  };

  // The parent is gone (even by SIGKILL, its pipe closes): nobody is left to read an answer.
  const exit = realProcess.exit.bind(realProcess);
  channel.onClose(() => exit(0));
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
    maxResultMb: boot.maxResultMb,
    preload: boot.preload,
    canPoll: false,
    post: (message) => {
      outbox[outbox.length] = message; // not push: a task may have replaced it
      if (!flushQueued && !held) {
        flushQueued = true;
        microtask(flush);
      }
    },
    poll: () => undefined,
    markStarted: (seq) => {
      // Answers waiting in the outbox go before the task runs: it may run for ever, or crash.
      if (outbox.length > 0) flush();
      counter[0] = seq;
      writeSync(startedFd, counterBytes, 0, 4, 0);
    },
    flush,
    hold: (on) => {
      held = on;
    },
    onMessage: (handler) => channel.onMessage(handler as (message: unknown) => void),
  };
}
