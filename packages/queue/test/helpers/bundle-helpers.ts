/**
 * What the bundles test files (bundles, bundles-abort, bundles-faults) share: waiting on a probe, the
 * warm-up that makes a driver bundle, per-file job probes on the file's own Redis, and where bundled
 * `recordThen` tasks sit and ran. No mutable state at module level: each file gets its own {@link BundleKit}.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Result, WaitGroup } from '@isolane/core';
import type { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, expect } from 'vitest';
import type { QueueDriver } from '../../src/index.js';
import { decode } from '../../src/wire.js';
import type { QueueTestEnv } from './queue-test-env.js';
import { fixtureTasks, runsOf } from './tasks.js';

const t = await fixtureTasks();

/** Resolves after one turn of the event loop (setImmediate). */
export const turn = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Waits (bounded) until `probe` gives something other than undefined/false; returns it. */
export async function until<T>(
  probe: () => Promise<T | undefined | false>,
  ms: number,
  what: string | (() => string),
): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const got = await probe();
    if (got !== undefined && got !== false) return got;
    if (Date.now() > deadline) {
      throw new Error(`timed out after ${ms} ms waiting for ${typeof what === 'string' ? what : what()}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** A group of its own (own signal) for one task, on `driver`. */
export function alone(driver: QueueDriver): { ac: AbortController; wg: WaitGroup } {
  const ac = new AbortController();
  return { ac, wg: new WaitGroup({ driver, signal: ac.signal }) };
}

/** A result's kind: `ok`, its failure's kind, or `missing`. */
export const kindOf = (r: Result<unknown> | undefined) =>
  r === undefined ? 'missing' : r.ok ? 'ok' : r.error.kind;

/**
 * Where `recordThen` tasks sit in `jobs` (by the file in their arguments, `file(i)` for task i): task i ->
 * its job id and index in the bundle. Tasks alone in a job (no bundle) are not listed.
 */
export function locate(
  jobs: readonly { id?: string | undefined; data: unknown }[],
  file: (i: number) => string,
): Map<number, { job: string; index: number }> {
  const at = new Map<number, { job: string; index: number }>();
  for (const job of jobs) {
    const bundle = (job.data as { bundle?: { args?: unknown }[] } | undefined)?.bundle ?? [];
    for (const [index, p] of bundle.entries()) {
      const args = typeof p?.args === 'string' ? (decode(p.args) as unknown[]) : [];
      const i = args[2];
      if (typeof i === 'number' && args[0] === file(i)) at.set(i, { job: String(job.id), index });
    }
  }
  return at;
}

/** Waits (bounded) until `q` has nothing waiting or running (what an earlier test may have left). */
export async function idle(q: Queue): Promise<void> {
  await until(
    async () => Object.values(await q.getJobCounts('wait', 'active', 'delayed')).every((v) => v === 0),
    60_000,
    'the queue to be idle',
  );
}

/**
 * Where `recordThen` shows a task running on after `stoppedAt` (Date.now()) in `files`: a start at or after
 * it, or any end (its run was not stopped). For tasks that cannot start unless a stop frees their slot.
 */
export function ranAfter(files: string[], stoppedAt: number): string[] {
  return files.flatMap((file) =>
    runsOf(file)
      .filter((x) => x.what === 'end' || x.at >= stoppedAt)
      .map((x) => `${file.slice(-24)} ${x.what} at ${x.at - stoppedAt} ms`),
  );
}

/** Task indexes per job id. */
export function byJob(at: Map<number, { job: string }>): Map<string, number[]> {
  const jobs = new Map<string, number[]>();
  for (const [i, { job }] of at) jobs.set(job, [...(jobs.get(job) ?? []), i]);
  return jobs;
}

/** Sleepers of `ms` each, each a job of its own (one per turn), ahead of anything added after them. */
export async function sleepers(driver: QueueDriver, count: number, ms = 120_000): Promise<WaitGroup> {
  const wg = new WaitGroup({ driver });
  for (let i = 0; i < count; i++) {
    wg.go(t.sleepThen, ms, 'sleeper');
    await turn();
  }
  return wg;
}

/** Polls (2 s, after everything else ran) that none of `files` ever shows a run. */
export async function neverRan(files: string[]): Promise<void> {
  const deadline = Date.now() + 2_000;
  do {
    for (const f of files) expect(runsOf(f), `${f} ran`).toEqual([]);
    await new Promise((r) => setTimeout(r, 100));
  } while (Date.now() < deadline);
}

/** What {@link useBundleKit} gives a test file: its Redis client and scratch dir, and probes on them. */
export interface BundleKit {
  /** A client of the file's private Redis (set once `beforeAll` has run). */
  readonly client: Redis;
  /** The file's scratch directory (set once `beforeAll` has run), removed in `afterAll`. */
  readonly dir: string;
  /** BullMQ jobs ever created on `name` (its id counter). */
  jobsMade(name: string): Promise<number>;
  /** Waits (bounded) until `name` has no job key left; returns those left at the deadline, with what they hold. */
  noJobKeys(name: string, ms?: number): Promise<string[]>;
  /** Runs rounds of 40 trivial tasks until `driver` bundles them (`rounds` rounds when `bundles` is false). */
  warm(driver: QueueDriver, name: string, bundles?: boolean, rounds?: number): Promise<void>;
}

/**
 * Registers the file's `beforeAll`/`afterAll` (after `env`'s): a client of its Redis and a scratch dir
 * named `<prefix>…`; the probes use that client.
 *
 * @example
 * ```ts
 * const env = useQueueTestEnv({ queue, concurrency: 2, count: 2 });
 * const { jobsMade, noJobKeys, warm } = useBundleKit(env, 'isolane-bundles-');
 * ```
 */
export function useBundleKit(env: QueueTestEnv, prefix: string): BundleKit {
  let client: Redis | undefined;
  let dir: string | undefined;
  beforeAll(() => {
    client = new Redis(env.redis.url);
    dir = mkdtempSync(join(tmpdir(), prefix));
  });
  afterAll(() => {
    client?.disconnect();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });
  const redis = (): Redis => {
    if (!client) throw new Error('the bundle kit is not set up yet (use it inside a test)');
    return client;
  };

  /** BullMQ jobs ever created on `name` (its id counter). */
  async function jobsMade(name: string): Promise<number> {
    return Number((await redis().get(`bull:${name}:id`)) ?? 0);
  }

  /** Keys of `name` named after a job (`bull:<name>:<digits>…`: job hashes, logs, task streams). */
  async function jobKeys(name: string): Promise<string[]> {
    return (await redis().keys(`bull:${name}:*`)).filter((k) => /^bull:[^:]+:\d/.test(k));
  }

  /** Waits (bounded) until `name` has no job key left; returns those left at the deadline, with what they hold. */
  async function noJobKeys(name: string, ms = 20_000): Promise<string[]> {
    const deadline = Date.now() + ms;
    let left = await jobKeys(name);
    while (left.length > 0 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 100));
      left = await jobKeys(name);
    }
    return Promise.all(
      left.map(async (key) => {
        if ((await redis().type(key)) !== 'hash') return key;
        const [data, processedOn, finishedOn] = await redis().hmget(key, 'data', 'processedOn', 'finishedOn');
        return `${key} processedOn=${processedOn} finishedOn=${finishedOn} data=${data?.slice(0, 120)}`;
      }),
    );
  }

  /**
   * Runs rounds of 40 trivial tasks until the driver bundles them (`rounds` rounds when `bundles` is false):
   * its running average of run times is then known and short (and so is its workers').
   */
  async function warm(driver: QueueDriver, name: string, bundles = true, rounds = 1): Promise<void> {
    for (let round = 0; round < (bundles ? 6 : rounds); round++) {
      const before = await jobsMade(name);
      const wg = new WaitGroup({ driver });
      for (let i = 0; i < 40; i++) wg.go(t.add, i, 1);
      expect((await wg.wait()).map((r) => (r.ok ? r.value : r.error.message))).toEqual(
        Array.from({ length: 40 }, (_, i) => i + 1),
      );
      if (bundles && (await jobsMade(name)) - before < 40) return;
    }
    if (!bundles) return;
    throw new Error(
      'no bundle: after 6 warm rounds of 40 trivial tasks, every task still had a job of its own',
    );
  }

  return {
    get client() {
      return redis();
    },
    get dir() {
      if (!dir) throw new Error('the bundle kit is not set up yet (use it inside a test)');
      return dir;
    },
    jobsMade,
    noJobKeys,
    warm,
  };
}
