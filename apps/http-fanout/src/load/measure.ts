/**
 * One load run against one driver: `/report` under sustained load (autocannon, several connections)
 * while an open-loop prober polls `/health` at a fixed rate and every response time is kept.
 * Everything stays on loopback and every phase is bounded in time.
 */
import type { DriverName } from '@isolane/core';
import autocannon from 'autocannon';
import { probeHealth } from './health-probe.js';
import { type LatencySummary, summarize } from './percentiles.js';
import { startServerProcess } from './server-process.js';

/** How hard and how long to push. */
export interface LoadSettings {
  /** Seconds of load per driver. */
  readonly durationS: number;
  /** Concurrent `/report` connections (each keeps one request in flight). */
  readonly reportConnections: number;
  /** `/health` requests per second (open loop: sent on schedule, answered or not). */
  readonly healthRate: number;
  /** `/report` requests sent before measuring (starts pools, warms the JIT). */
  readonly warmupRequests: number;
}

/** Default settings: what the docs' table uses. */
export const DEFAULT_LOAD: LoadSettings = {
  durationS: 10,
  reportConnections: 4,
  healthRate: 100,
  warmupRequests: 4,
};

/** What a run measured. */
export interface LoadRow {
  readonly driver: DriverName;
  /** The server's task concurrency, when set (default: available parallelism). */
  readonly concurrency?: number;
  /** False for the baseline run, where `/report` gets no load. */
  readonly loaded: boolean;
  readonly report: {
    readonly requests: number;
    readonly perSecond: number;
    readonly p50: number;
    readonly p99: number;
    /** Non-2xx answers, connection errors and timeouts. */
    readonly failures: number;
  };
  readonly health: LatencySummary & { readonly failures: number };
}

interface Fire {
  readonly result: autocannon.Result;
  readonly samples: number[];
}

function fire(options: autocannon.Options): Promise<Fire> {
  const samples: number[] = [];
  return new Promise((resolve, reject) => {
    const instance = autocannon(options, (err: unknown, result: autocannon.Result) =>
      err ? reject(err) : resolve({ result, samples }),
    );
    instance.on('response', (_client, status, _bytes, ms) => {
      if (status >= 200 && status < 300) samples.push(ms);
    });
  });
}

/**
 * Starts a server with `driver` in a child process, warms it, measures, and stops it.
 * With `loaded: false` only `/health` is measured (the baseline); `concurrency` caps the server's tasks
 * running at once (default: available parallelism).
 *
 * @example
 * ```ts
 * const row = await measureDriver('pool', { ...DEFAULT_LOAD, durationS: 5 });
 * console.log(row.health.p99);
 * ```
 */
export async function measureDriver(
  driver: DriverName,
  settings: LoadSettings,
  loaded = true,
  concurrency?: number,
): Promise<LoadRow> {
  const server = await startServerProcess(driver, concurrency ? ['--concurrency', String(concurrency)] : []);
  try {
    const report = new URL('/report', server.url);
    for (let i = 0; i < settings.warmupRequests; i++) {
      const res = await fetch(report, { signal: AbortSignal.timeout(60_000) });
      if (!res.ok)
        throw new Error(`warm-up /report under ${driver} answered ${res.status}: ${await res.text()}`);
      await res.arrayBuffer();
    }
    const [reportRun, healthRun] = await Promise.all([
      loaded
        ? fire({
            url: report.href,
            connections: settings.reportConnections,
            duration: settings.durationS,
            timeout: 60,
          })
        : undefined,
      probeHealth(new URL('/health', server.url), {
        rate: settings.healthRate,
        durationS: settings.durationS,
      }),
    ]);
    const r = reportRun?.result;
    const reportSummary = summarize(reportRun?.samples ?? []);
    return {
      driver,
      ...(concurrency ? { concurrency } : {}),
      loaded,
      report: {
        requests: reportSummary.count,
        perSecond: r ? reportSummary.count / r.duration : 0,
        p50: reportSummary.p50,
        p99: reportSummary.p99,
        failures: r ? r.non2xx + r.errors : 0,
      },
      health: { ...summarize(healthRun.samples), failures: healthRun.failures },
    };
  } finally {
    await server.stop();
  }
}
