// The bench launches each measurement through an isolane WaitGroup (fork driver): the runner task starts
// the measurement's child as before and relays its progress reports through taskContext().progress(), so
// they reach the bench through onProgress, in order; a failing measurement is reported as before. Needs
// the built bench (the runner task is loaded from dist/ by the fork child).
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { forkUnitLauncher } from '../../src/child/unit-launcher.js';
import { makePlan } from '../../src/plan.js';

const HOST = fileURLToPath(new URL('../fixtures/progress-host.mjs', import.meta.url));
const launcher = forkUnitLauncher();
afterAll(() => launcher.close());

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function gone(pid: number, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (alive(pid)) {
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return true;
}

const stepOf = (text: string): number => Number(/^step (\d+)/.exec(text)?.[1]);

describe('forkUnitLauncher', () => {
  it("relays the measurement's progress through the WaitGroup, in order, then its result", async () => {
    const texts: string[] = [];
    const outcome = await launcher.run({ steps: 30, gapMs: 20 }, { timeoutMs: 30_000, entry: HOST }, (text) =>
      texts.push(text),
    );
    expect(outcome).toMatchObject({ status: 'ok', data: { steps: 30 } });
    const data = (outcome as { data: { pid: number; ppid: number } }).data;
    // Started by the runner task (a fork child), not by this process.
    expect(data.ppid).not.toBe(process.pid);
    expect(texts.length).toBeGreaterThan(0);
    const steps = texts.map(stepOf);
    expect(steps).toEqual([...steps].sort((a, b) => a - b));
    expect(new Set(steps).size).toBe(steps.length);
    expect(steps.at(-1)).toBe(30);
  }, 60_000);

  it('a measurement that reports an error is reported as before (status error, its message)', async () => {
    const texts: string[] = [];
    const outcome = await launcher.run(
      { steps: 2, gapMs: 5, end: 'error' },
      { timeoutMs: 30_000, entry: HOST },
      (text) => texts.push(text),
    );
    expect(outcome).toMatchObject({ status: 'error', message: 'RangeError: the measure broke' });
    expect(texts.map(stepOf).at(-1)).toBe(2);
  }, 60_000);

  it('a measurement that dies is reported killed with its exit code and stderr', async () => {
    const outcome = await launcher.run(
      { steps: 1, gapMs: 5, end: 'exit' },
      { timeoutMs: 30_000, entry: HOST },
    );
    expect(outcome).toMatchObject({ status: 'killed', exitCode: 3 });
    expect((outcome as { stderr: string }).stderr).toMatch(/about to exit with 3/);
  }, 60_000);

  it('a measurement that hangs is reported hung at its timeout, and its process is gone', async () => {
    const texts: string[] = [];
    const outcome = await launcher.run(
      { steps: 1, gapMs: 5, end: 'hang' },
      { timeoutMs: 1_500, entry: HOST },
      (text) => texts.push(text),
    );
    expect(outcome.status).toBe('hung');
    const pid = Number(/pid (\d+)/.exec(texts[0] ?? '')?.[1]);
    expect(pid).toBeGreaterThan(0);
    expect(await gone(pid, 10_000)).toBe(true);
  }, 60_000);

  it('runs a real bench unit: its data and its progress reports come back', async () => {
    const texts: string[] = [];
    const plan = makePlan(true);
    const outcome = await launcher.run(
      { kind: 'latency', subject: 'p-limit', plan },
      { timeoutMs: 45_000 },
      (text) => texts.push(text),
    );
    expect(outcome).toMatchObject({ status: 'ok', data: { subject: 'p-limit' } });
    expect(texts.length).toBeGreaterThan(0);
    expect(texts[0]).toMatch(/^(cold|warm|group construction|spin cost)/);
  }, 90_000);
});
