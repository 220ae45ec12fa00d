// What a task prints under stdio 'capture': process-worker.ts pipes, the job loop's flush before each answer.
import { randomUUID } from 'node:crypto';
import { type Driver, WaitGroup } from '@isolane/core';
import { PoolDriver, type PoolOutput } from '@isolane/pool';
import { afterEach, describe, expect, it } from 'vitest';

// The worker processes' output is piped to this process and captured (`stdio: 'capture'`, issue 12).
const make = (onOutput: (o: PoolOutput) => void): Driver =>
  new PoolDriver({ concurrency: 4, runtime: 'process', onOutput });

/** Prints `n` lines `<marker> <task> <i>` to stdout and to stderr (inline: no capture). */
const print = (marker: string, task: number, n: number): number => {
  for (let i = 0; i < n; i++) {
    process.stdout.write(`${marker} ${task} ${i}\n`);
    process.stderr.write(`${marker} ${task} ${i}\n`);
  }
  return n;
};

/** Writes `mb` MiB to stderr, in 1 KiB lines. */
const flood = (mb: number): number => {
  const line = `${'e'.repeat(1023)}\n`;
  for (let i = 0; i < mb * 1024; i++) process.stderr.write(line);
  return mb;
};

/** What `onOutput` received, per stream, as whole lines (a chunk may end mid-line). */
class Captured {
  readonly lines = { stdout: [] as string[], stderr: [] as string[] };
  bytes = { stdout: 0, stderr: 0 };
  readonly #partial = new Map<string, string>();
  readonly onOutput = ({
    stream,
    text,
    pid,
  }: {
    stream: 'stdout' | 'stderr';
    text: string;
    pid?: number | undefined;
  }) => {
    this.bytes[stream] += Buffer.byteLength(text);
    const key = `${stream}:${pid}`;
    const parts = ((this.#partial.get(key) ?? '') + text).split('\n');
    this.#partial.set(key, parts.pop() ?? '');
    this.lines[stream].push(...parts);
  };
  count(stream: 'stdout' | 'stderr', marker: string): number {
    return this.lines[stream].filter((line) => line.startsWith(`${marker} `)).length;
  }
}

const drivers: Driver[] = [];
afterEach(async () => {
  await Promise.all(drivers.splice(0).map((d) => d.close()));
});

describe('pool (processes): stdio capture', () => {
  it('every line of 4 tasks × 2,000 reaches onOutput before wait() resolves, and close() right after cuts nothing', async () => {
    const out = new Captured();
    const driver = make(out.onOutput);
    drivers.push(driver);
    const marker = `isolane-cap-${randomUUID().slice(0, 8)}`;
    const wg = new WaitGroup({ driver });
    for (let t = 0; t < 4; t++) wg.go(print, marker, t, 2_000);
    await wg.wait();
    expect([out.count('stdout', marker), out.count('stderr', marker)]).toEqual([8_000, 8_000]);
    const second = `isolane-cap-${randomUUID().slice(0, 8)}`;
    const again = new WaitGroup({ driver });
    for (let t = 0; t < 4; t++) again.go(print, second, t, 2_000);
    await again.wait();
    await again.close();
    await driver.close();
    expect([out.count('stdout', second), out.count('stderr', second)]).toEqual([8_000, 8_000]);
  }, 120_000);

  it('8 one-line tasks, 5 rounds: 40 of 40 lines at each wait()', async () => {
    const out = new Captured();
    const driver = make(out.onOutput);
    drivers.push(driver);
    for (let round = 0; round < 5; round++) {
      const marker = `isolane-cap-${randomUUID().slice(0, 8)}`;
      const wg = new WaitGroup({ driver });
      for (let t = 0; t < 8; t++) wg.go(print, marker, t, 1);
      await wg.wait();
      expect([round, out.count('stdout', marker), out.count('stderr', marker)]).toEqual([round, 8, 8]);
    }
  }, 120_000);

  it('20 MiB on stderr reach onOutput whole before wait() resolves', async () => {
    const out = new Captured();
    const driver = make(out.onOutput);
    drivers.push(driver);
    const wg = new WaitGroup({ driver });
    wg.go(flood, 20);
    const [r] = await wg.wait();
    expect(r?.ok).toBe(true);
    expect(out.bytes.stderr).toBe(20 * 1024 * 1024);
  }, 120_000);
});
