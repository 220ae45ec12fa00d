import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { runProbe } from '../../dist/measures/isolation.js';
import { makePlan, type Plan } from '../../dist/plan.js';
import { subjectById } from '../../dist/subjects/catalogue.js';

const plan = makePlan(true);
const shortPlan: Plan = { ...plan, probes: { ...plan.probes, deadlineMs: 1_000, hardTimeoutMs: 4_000 } };

/** Node processes whose command line mentions the unit host (left behind = a leak). */
function unitHosts(): string[] {
  const out = execFileSync('ps', ['-eo', 'pid,ppid,args'], { encoding: 'utf8' });
  return out
    .split('\n')
    .filter((l) => l.includes('bench/dist/child/unit-entry.js') && l.includes(String(process.pid)) === false);
}

describe('probes in sacrificial processes', () => {
  it('reports a probe that kills its host as "host killed", with how it died', async () => {
    const row = await runProbe(subjectById('p-limit'), 'exit', plan);
    expect(row).toMatchObject({
      subject: 'p-limit',
      probe: 'exit',
      verdict: 'host killed',
      host: 'killed',
      safe: false,
    });
    expect(row.detail).toContain('exit code 3');
  }, 30_000);

  it('reports a probe that blocks its host as "hung" and kills it', async () => {
    const before = unitHosts().length;
    const started = performance.now();
    const row = await runProbe(subjectById('p-limit'), 'loop', shortPlan);
    expect(row).toMatchObject({ verdict: 'hung', host: 'hung', safe: false });
    expect(performance.now() - started).toBeLessThan(10_000);
    // The killed host leaves the process table once reaped: wait for that, bounded.
    for (const deadline = Date.now() + 20_000; unitHosts().length > before && Date.now() < deadline; )
      await new Promise((resolve) => setTimeout(resolve, 50));
    expect(unitHosts().length).toBeLessThanOrEqual(before);
  }, 30_000);

  it('reports what a healthy host observed', async () => {
    const row = await runProbe(subjectById('raw-worker'), 'exit', plan);
    expect(row).toMatchObject({ verdict: 'contained', host: 'ok', safe: true });
    expect(row.detail).toContain('exited with code 3');
  }, 30_000);

  it('a native crash (SIGSEGV) kills the host of a thread pool, and only the slot under a pool of processes', async () => {
    const threads = await runProbe(subjectById('pool'), 'segfault', plan);
    expect(threads).toMatchObject({ verdict: 'host killed', host: 'killed', safe: false });
    expect(threads.detail).toContain('signal SIGSEGV');
    const processes = await runProbe(subjectById('pool-process'), 'segfault', plan);
    expect(processes).toMatchObject({ verdict: 'contained', host: 'ok', safe: true });
    expect(processes.detail).toContain('SIGSEGV');
  }, 60_000);
});
