/**
 * Registers the conformance suite with vitest for one driver. Cases the model cannot pass are listed in
 * the driver's expectation table with a reason; they are not skipped: each is run in a sacrificial
 * child process and the test asserts that it really does not pass there, so the table stays honest.
 */
import { readFile } from 'node:fs/promises';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Driver, DriverSettings } from '../driver.js';
import { childPids, countThreads, eventually } from '../os-probes.js';
import { CASE_IDS, CONFORMANCE_CASES, runCase } from './cases.js';
import { runNode } from './run-node.js';

/** Why a model cannot pass a case. */
export interface Unsupported {
  readonly reason: string;
}

/** Options of {@link runConformance}. */
export interface ConformanceOptions {
  /** Driver name, for titles. */
  readonly name: string;
  /** Makes a fresh driver (each case closes its own). */
  readonly createDriver: (settings: DriverSettings) => Driver;
  /**
   * URL of a module exporting `createDriver(settings)` — usually the package's built `dist/index.js`.
   * Used to run unsupported cases in a child process.
   */
  readonly driverModule: string;
  /** Cases this model cannot pass, with the reason. */
  readonly unsupported?: Readonly<Record<string, Unsupported>>;
  /** How many tasks the `many-tasks` case runs (default 1,000). */
  readonly manyTasks?: number;
  /** Check that OS threads / child processes return to their baseline after each case (default true). */
  readonly checkLeftovers?: boolean;
  /**
   * Cases that get drivers from a factory of their own, by case id. For a model whose suite shares
   * long-lived workers between cases (the queue's isolane-worker processes), where a case that leaves its
   * worker damaged on purpose (a task patching builtins, which a warm pool thread keeps) would otherwise
   * reach the cases after it: the other models give every case a fresh driver anyway.
   */
  readonly createDriverFor?: Readonly<Record<string, (settings: DriverSettings) => Driver>>;
}

/** How an unsupported case ended in its sacrificial process. */
export interface ChildOutcome {
  readonly kind: 'pass' | 'fail' | 'host-died' | 'hung';
  readonly detail: string;
}

/**
 * Runs one case in a child process (which it may kill or hang) and reports how it ended; `nodeArgs`
 * go to that child's `node` before the script.
 *
 * @example
 * ```ts
 * const outcome = await runCaseInChild('process-exit', 'cooperative', driverUrl, 20_000);
 * ```
 */
export async function runCaseInChild(
  id: string,
  name: string,
  driverModule: string,
  limitMs: number,
  nodeArgs: readonly string[] = [],
): Promise<ChildOutcome> {
  const casesUrl = new URL('./cases.js', import.meta.url).href;
  const script = `
    const { runCase } = await import(${JSON.stringify(casesUrl)});
    const { createDriver } = await import(${JSON.stringify(driverModule)});
    try {
      await runCase(${JSON.stringify(id)}, { name: ${JSON.stringify(name)}, createDriver, driverModule: ${JSON.stringify(driverModule)} });
      process.stdout.write('\\nISOLANE_CASE_PASS\\n');
      process.exit(0);
    } catch (err) {
      process.stdout.write('\\nISOLANE_CASE_FAIL ' + String(err && err.message).split('\\n')[0] + '\\n');
      process.exit(1);
    }`;
  const { code, signal, out, err, timedOut } = await runNode(
    [...nodeArgs, '--input-type=module', '-e', script],
    process.cwd(),
    limitMs,
  );
  if (timedOut) return { kind: 'hung', detail: `no outcome within ${limitMs} ms; the host was killed` };
  if (out.includes('ISOLANE_CASE_PASS')) return { kind: 'pass', detail: 'passed' };
  if (out.includes('ISOLANE_CASE_FAIL')) {
    return { kind: 'fail', detail: out.slice(out.indexOf('ISOLANE_CASE_FAIL') + 18).trim() };
  }
  const last = err.trim().split('\n').slice(-3).join(' | ');
  return { kind: 'host-died', detail: `host exited (code ${code}, signal ${signal}): ${last}` };
}

/**
 * Registers the whole suite for one driver in the current vitest file.
 *
 * @example
 * ```ts
 * // packages/thread/test/conformance.test.ts
 * import { runConformance } from '@isolane/core/testing';
 * import { ThreadDriver } from '../src/index.js';
 * runConformance({
 *   name: 'thread',
 *   createDriver: (s) => new ThreadDriver(s),
 *   driverModule: new URL('../dist/index.js', import.meta.url).href,
 * });
 * ```
 */
export function runConformance(options: ConformanceOptions): void {
  const unsupported = options.unsupported ?? {};
  for (const id of Object.keys(unsupported)) {
    if (!CASE_IDS.includes(id))
      throw new TypeError(`expectation table of ${options.name}: unknown case "${id}"`);
  }
  const ownDrivers = options.createDriverFor ?? {};
  for (const id of Object.keys(ownDrivers)) {
    if (!CASE_IDS.includes(id))
      throw new TypeError(`createDriverFor of ${options.name}: unknown case "${id}"`);
  }
  describe(`conformance: ${options.name}`, () => {
    // Start libuv's thread pool before any baseline is taken, so its threads are not counted as leaks.
    beforeAll(async () => {
      await readFile(new URL(import.meta.url));
    });
    for (const c of CONFORMANCE_CASES) {
      const skipReason = unsupported[c.id]?.reason;
      if (skipReason) {
        it(
          `${c.id}: ${c.title} — NOT supported by ${options.name}: ${skipReason} (shown to fail in a child process)`,
          async () => {
            const outcome = await runCaseInChild(
              c.id,
              options.name,
              options.driverModule,
              c.childLimitMs ?? Math.min(c.timeout, 30_000),
              c.childHeapMb ? [`--max-old-space-size=${c.childHeapMb}`] : [],
            );
            expect(
              outcome.kind,
              `the case passed, so the expectation table is wrong: ${outcome.detail}`,
            ).not.toBe('pass');
          },
          c.timeout + 10_000,
        );
        continue;
      }
      it(
        `${c.id}: ${c.title}`,
        async () => {
          const threads = countThreads();
          await runCase(c.id, {
            name: options.name,
            createDriver: ownDrivers[c.id] ?? options.createDriver,
            driverModule: options.driverModule,
            ...(options.manyTasks !== undefined ? { manyTasks: options.manyTasks } : {}),
          });
          if (options.checkLeftovers !== false) {
            const noChildren = await eventually(() => childPids().length === 0, 20_000);
            expect(noChildren, `child processes left after close(): ${childPids().join(', ')}`).toBe(true);
            if (threads !== undefined) {
              const back = await eventually(() => (countThreads() ?? 0) <= threads, 20_000);
              expect(back, `threads left after close(): before ${threads}, now ${countThreads()}`).toBe(true);
            }
          }
        },
        c.timeout,
      );
    }
  });
}
