/**
 * The fork driver's `maxRssMb`: memory outside the V8 heap (Buffers here), which `memoryLimitMb` does
 * not count, is limited by the child's resident set, sampled by the parent.
 */
import { WaitGroup } from '@isolane/core';
import { ForkDriver } from '@isolane/fork';
import { afterEach, describe, expect, it } from 'vitest';

const drivers: ForkDriver[] = [];
afterEach(async () => {
  await Promise.all(drivers.splice(0).map((d) => d.close()));
});

/** Holds `mb` MiB of zero-filled (so resident) Buffers for `holdMs`, then returns how many MiB it held. */
const holdBuffers = (mb: number, holdMs: number) =>
  new Promise<number>((resolve) => {
    const kept: Buffer[] = [];
    for (let i = 0; i < mb / 64; i++) kept.push(Buffer.alloc(64 * 1024 * 1024, 1));
    setTimeout(() => resolve(kept.length * 64), holdMs);
  });

async function runOne(options: ConstructorParameters<typeof ForkDriver>[0], mb: number) {
  const driver = new ForkDriver({ concurrency: 1, ...options });
  drivers.push(driver);
  const wg = new WaitGroup({ driver, timeout: 60_000 });
  wg.go(holdBuffers, mb, 1500);
  const [slot] = await wg.wait();
  return slot!;
}

describe('fork driver: maxRssMb', () => {
  it('memoryLimitMb alone does not count Buffers: 512 MiB of them under memoryLimitMb 64 succeed', async () => {
    expect(await runOne({ memoryLimitMb: 64 }, 512)).toMatchObject({ ok: true, value: 512 });
  }, 120_000);

  it('maxRssMb 256: a task holding 512 MiB of Buffers fails as oom and its child is killed', async () => {
    const slot = await runOne({ memoryLimitMb: 64, maxRssMb: 256 }, 512);
    expect(slot.ok).toBe(false);
    const { error } = slot as { error: { kind: string; code?: string; message: string } };
    expect(error).toMatchObject({ kind: 'oom', code: 'ERR_ISOLANE_RSS_LIMIT' });
    expect(error.message).toMatch(
      /^the task's child process used \d+ MiB of memory \(RSS\), over maxRssMb \(256\); it was killed$/,
    );
  }, 120_000);

  it('maxRssMb 256: a task holding 64 MiB succeeds', async () => {
    expect(await runOne({ maxRssMb: 256 }, 64)).toMatchObject({ ok: true, value: 64 });
  }, 120_000);

  it('is checked like the other memory options', () => {
    expect(() => new ForkDriver({ maxRssMb: 0 })).toThrow(
      /options\.maxRssMb must be a number of MiB from 1 to 1048576, got 0/,
    );
    expect(() => new ForkDriver({ maxRssMb: '256' as never })).toThrow(TypeError);
  });
});
