/**
 * The raw baselines for a user's task: a fresh `new Worker` or a fresh `child_process.fork` per task,
 * written the way a user would by hand (no isolane code on either side). They show what isolane's
 * thread and fork drivers add over the bare mechanism, on the user's own task.
 */
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { inheritedFlags, workerTsxHook } from '@isolane/core/driver-kit';
import type { TaskBaseline } from './result.js';
import type { Outcome, Runner, TaskTarget } from './runners.js';

const ENTRY = new URL('./raw-task-entry.js', import.meta.url);

type Reply = { ok: true; value: unknown } | { ok: false; name: string; message: string };

const toOutcome = (reply: Reply): Outcome =>
  reply.ok
    ? { ok: true, value: reply.value }
    : { ok: false, failure: { kind: 'threw', name: reply.name, message: reply.message } };

const crashed = (message: string): Outcome => ({
  ok: false,
  failure: { kind: 'crashed', name: 'Error', message },
});

const timedOut = (ms: number): Outcome => ({
  ok: false,
  failure: { kind: 'timeout', name: 'TimeoutError', message: `the task ran longer than ${ms} ms` },
});

function onWorker(target: TaskTarget, args: readonly unknown[]): Promise<Outcome> {
  return new Promise((resolve) => {
    // On Node versions whose loader hooks do not reach threads, tsx is registered in the worker, as a
    // user would have to: otherwise a TypeScript task could not load in a raw worker at all.
    const job = {
      tsx: workerTsxHook(),
      moduleUrl: target.moduleUrl,
      exportName: target.exportName,
      bootstrap: target.bootstrap,
      args,
    };
    const worker = new Worker(ENTRY, { workerData: job });
    let done = false;
    const finish = (outcome: Outcome): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      void worker.terminate();
      resolve(outcome);
    };
    const timer =
      target.timeoutMs > 0
        ? setTimeout(() => finish(timedOut(target.timeoutMs)), target.timeoutMs)
        : undefined;
    worker.once('message', (reply: Reply) => finish(toOutcome(reply)));
    worker.once('error', (err) => finish(crashed(`the worker died: ${err.message}`)));
    worker.once('exit', (code) => finish(crashed(`the worker exited with code ${code} before replying`)));
  });
}

function inChild(target: TaskTarget, args: readonly unknown[]): Promise<Outcome> {
  return new Promise((resolve) => {
    const child = fork(fileURLToPath(ENTRY), [], {
      serialization: 'advanced',
      execArgv: inheritedFlags(),
      stdio: ['ignore', 'ignore', 'ignore', 'ipc'],
    });
    let done = false;
    const finish = (outcome: Outcome): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      resolve(outcome);
    };
    const timer =
      target.timeoutMs > 0
        ? setTimeout(() => finish(timedOut(target.timeoutMs)), target.timeoutMs)
        : undefined;
    child.once('message', (reply: Reply) => finish(toOutcome(reply)));
    child.once('error', (err) => finish(crashed(`the child failed: ${err.message}`)));
    child.once('exit', (code, signal) => {
      const dead = (): void =>
        finish(crashed(`the child exited (${signal ?? `code ${code}`}) before replying`));
      // 'exit' can overtake the reply still in the IPC pipe: judge once the channel has drained.
      if (child.connected) child.once('disconnect', () => setImmediate(dead));
      else setImmediate(dead);
    });
    child.send({
      moduleUrl: target.moduleUrl,
      exportName: target.exportName,
      bootstrap: target.bootstrap,
      args,
    });
  });
}

/**
 * A raw baseline runner: one fresh worker thread or child process per task.
 *
 * @example
 * ```ts
 * const runner = rawRunner('raw-fork', target, (lists, run) => Promise.all(lists.map(run)));
 * await runner.run([1, 2]); // { ok: true, value: 3 }
 * ```
 */
export function rawRunner(
  id: TaskBaseline,
  target: TaskTarget,
  runAll: (
    lists: readonly (readonly unknown[])[],
    run: (args: readonly unknown[]) => Promise<Outcome>,
  ) => Promise<Outcome[]>,
): Runner {
  const run = (args: readonly unknown[]): Promise<Outcome> =>
    id === 'raw-worker' ? onWorker(target, args) : inChild(target, args);
  return { workers: target.concurrency, run, runAll: (lists) => runAll(lists, run), close: async () => {} };
}
