/**
 * The entry of a raw baseline's worker thread or child process: import the bootstrap and the user's
 * module, call the export once with the arguments it was given, post the value (or the error) back.
 * No isolane code: this is what a user would write by hand with `new Worker` or `child_process.fork`.
 */
import { parentPort, workerData } from 'node:worker_threads';

interface RawJob {
  readonly moduleUrl: string;
  readonly exportName: string;
  readonly bootstrap: string | null;
  readonly args: readonly unknown[];
  /** tsx's ESM API to register first (a worker thread on Node versions whose hooks do not reach it). */
  readonly tsx?: string | undefined;
}

type Reply = { ok: true; value: unknown } | { ok: false; name: string; message: string };

async function runJob(job: RawJob): Promise<Reply> {
  try {
    if (job.tsx) {
      const tsx = (await import(job.tsx)) as { register?: () => unknown };
      tsx.register?.();
    }
    if (job.bootstrap) {
      const boot = (await import(job.bootstrap)) as { default?: unknown };
      if (typeof boot.default === 'function') await (boot.default as () => unknown)();
    }
    const mod = (await import(job.moduleUrl)) as Record<string, (...args: unknown[]) => unknown>;
    return { ok: true, value: await mod[job.exportName]!(...job.args) };
  } catch (err) {
    const e = err as { name?: unknown; message?: unknown };
    return { ok: false, name: String(e?.name ?? 'Error'), message: String(e?.message ?? err) };
  }
}

if (parentPort) {
  const port = parentPort;
  runJob(workerData as RawJob).then((reply) => port.postMessage(reply));
} else {
  process.once('message', (job: RawJob) => {
    runJob(job).then((reply) => process.send!(reply, undefined, undefined, () => process.exit(0)));
  });
}
