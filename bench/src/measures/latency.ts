/**
 * Latency: the cost of one trivial task, submitted one at a time. Cold = open a fresh pool/driver/worker
 * and get the first result (each sample from scratch). Warm = a sequential round trip on a warm session
 * after a warm-up; for per-task models, whose every task is cold, warm means a prespawned worker and
 * one task every 150 ms (slower than a spawn, so the next worker is ready in time).
 */
import type { Plan } from '../plan.js';
import type { LatencyRow } from '../result.js';
import { summarize } from '../stats.js';
import type { Subject } from '../subjects/subject.js';

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

function coldSampleCount(subject: Subject, plan: Plan): number {
  const c = plan.latency.coldSamples;
  if (subject.features.inProcess) return c.inProcess;
  if (subject.features.processes) return c.process;
  return subject.features.perTask ? c.thread : c.pool;
}

async function cold(subject: Subject, plan: Plan): Promise<number[]> {
  const samples: number[] = [];
  const n = coldSampleCount(subject, plan);
  const perTask = subject.features.perTask ? { prespawn: 0 } : {};
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    const session = await subject.open({ concurrency: plan.concurrency, ...perTask });
    try {
      await session.run('noop', i);
      samples.push(performance.now() - t0);
    } finally {
      await session.close();
    }
  }
  return samples;
}

async function warmSequential(subject: Subject, plan: Plan): Promise<number[]> {
  const session = await subject.open({ concurrency: plan.concurrency });
  try {
    for (let i = 0; i < plan.latency.warmup; i++) await session.run('noop', i);
    const samples: number[] = new Array(plan.latency.warmSamples);
    for (let i = 0; i < samples.length; i++) {
      const t0 = performance.now();
      await session.run('noop', i);
      samples[i] = performance.now() - t0;
    }
    return samples;
  } finally {
    await session.close();
  }
}

async function warmPrespawned(subject: Subject, plan: Plan): Promise<number[]> {
  const session = await subject.open({ concurrency: plan.concurrency, prespawn: 1 });
  try {
    const samples: number[] = [];
    const interval = plan.latency.prespawnIntervalMs;
    // One unmeasured task first: the first spawn may include loading code the later ones find cached.
    await sleep(interval);
    await session.run('noop', -1);
    for (let i = 0; i < plan.latency.prespawnSamples; i++) {
      await sleep(interval);
      const t0 = performance.now();
      await session.run('noop', i);
      samples.push(performance.now() - t0);
    }
    return samples;
  } finally {
    await session.close();
  }
}

/**
 * Measures one subject's cold and warm latency (runs inside a unit host).
 *
 * @example
 * ```ts
 * const row = await measureLatency(piscinaSubject(), makePlan(true));
 * row.warm?.p50; // ~0.05 (ms)
 * ```
 */
export async function measureLatency(subject: Subject, plan: Plan): Promise<LatencyRow> {
  const coldSamples = subject.features.noCold ? null : await cold(subject, plan);
  const prespawned = subject.features.perTask;
  const warmSamples = prespawned ? await warmPrespawned(subject, plan) : await warmSequential(subject, plan);
  return {
    subject: subject.id,
    cold: coldSamples ? summarize(coldSamples) : null,
    ...(subject.features.noCold ? { coldNote: subject.features.noCold } : {}),
    warm: summarize(warmSamples),
    warmMode: prespawned ? 'prespawned' : 'sequential',
    ...(prespawned ? { warmIntervalMs: plan.latency.prespawnIntervalMs } : {}),
  };
}
