/**
 * Property-based fuzzing of every driver: random programs of go(), abort(), signals, timeouts and
 * close() (see fuzz/program.ts), each run against a fresh private driver, checked for the invariants in
 * fuzz/interpret.ts. Seeded and reproducible: the seed is printed, and FUZZ_SEED replays it.
 *
 * Environment: FUZZ_SEED (replay), FUZZ_RUNS (programs per driver), FUZZ_MAX_STEPS (steps per program),
 * FUZZ_SHRINK=1 (shrink a failure to a minimal program; slow, each try spawns workers).
 */

import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DRIVERS, type LocalDriverName, warmThreadPool } from '../src/index.js';
import { runProgram } from './fuzz/interpret.js';
import { type Program, programs } from './fuzz/program.js';

/** Programs per driver by default: sized so the whole file stays well under 2 minutes on 2 cores. */
const DEFAULT_RUNS: Readonly<Record<LocalDriverName, number>> = {
  cooperative: 100,
  pool: 40,
  thread: 30,
  fork: 20,
};

const envInt = (name: string): number | undefined => {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return undefined;
  const value = Number(raw);
  if (!Number.isInteger(value)) throw new TypeError(`${name} must be an integer, got "${raw}"`);
  return value;
};

const seed = envInt('FUZZ_SEED') ?? (Date.now() ^ (process.pid << 8)) | 0;
const maxSteps = envInt('FUZZ_MAX_STEPS') ?? 10;
const shrink = process.env.FUZZ_SHRINK === '1';

const unhandled: string[] = [];
const onRejection = (reason: unknown) => unhandled.push(`unhandledRejection: ${String(reason)}`);
const onException = (err: unknown) => unhandled.push(`uncaughtException: ${String(err)}`);

beforeAll(async () => {
  console.log(
    `fuzz: node ${process.version}, seed ${seed} (replay with FUZZ_SEED=${seed}), up to ${maxSteps} steps per program`,
  );
  process.on('unhandledRejection', onRejection);
  process.on('uncaughtException', onException);
  await warmThreadPool();
});

afterAll(() => {
  process.off('unhandledRejection', onRejection);
  process.off('uncaughtException', onException);
});

for (const name of DRIVERS) {
  describe(`fuzz: ${name}`, () => {
    const numRuns = envInt('FUZZ_RUNS') ?? DEFAULT_RUNS[name];
    it(`${numRuns} random programs keep every invariant`, { timeout: 600_000 }, async () => {
      const tally = new Map<string, number>();
      let failing: { program: Program; violations: string[] } | undefined;
      const property = fc.asyncProperty(programs(name, maxSteps), async (program) => {
        const before = unhandled.length;
        const violations = await runProgram(name, program, tally);
        // Let a stray rejection surface before judging the run.
        await new Promise((resolve) => setTimeout(resolve, 10));
        violations.push(...unhandled.slice(before));
        if (violations.length > 0) {
          failing = { program, violations };
          return false;
        }
        return true;
      });
      const started = performance.now();
      const details = await fc.check(property, { seed, numRuns, endOnFailure: !shrink });
      const outcomes = [...tally].map(([k, v]) => `${k} ${v}`).join(', ');
      console.log(
        `fuzz ${name}: ${details.numRuns} programs in ${((performance.now() - started) / 1000).toFixed(1)} s; slot outcomes: ${outcomes}`,
      );
      if (details.failed) {
        const report = [
          `fuzz ${name}: invariant violated (seed ${details.seed}, path "${details.counterexamplePath}"; replay: FUZZ_SEED=${details.seed} FUZZ_RUNS=${numRuns})`,
          `program: ${JSON.stringify(failing?.program ?? details.counterexample)}`,
          ...(failing?.violations ?? [String(details.errorInstance)]).map((v) => `  - ${v}`),
        ].join('\n');
        console.error(report);
        expect.fail(report);
      }
      expect(details.numRuns).toBe(numRuns);
    });
  });
}
