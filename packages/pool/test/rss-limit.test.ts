/**
 * The process pool's `maxRssMb`: memory outside the V8 heap (Buffers here), which `memoryLimitMb` does
 * not count, is limited by each worker process's resident set, sampled by the parent.
 */
import { WaitGroup } from '@isolane/core';
import { PoolDriver } from '@isolane/pool';
import { afterEach, describe, expect, it } from 'vitest';

const drivers: PoolDriver[] = [];
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

function pool(options: ConstructorParameters<typeof PoolDriver>[0]): PoolDriver {
  const driver = new PoolDriver({ concurrency: 1, runtime: 'process', ...options });
  drivers.push(driver);
  return driver;
}

describe('pool (processes): maxRssMb', () => {
  it('memoryLimitMb alone does not count Buffers: 512 MiB of them under memoryLimitMb 64 succeed', async () => {
    const wg = new WaitGroup({ driver: pool({ memoryLimitMb: 64 }), timeout: 60_000 });
    wg.go(holdBuffers, 512, 1500);
    expect((await wg.wait())[0]).toMatchObject({ ok: true, value: 512 });
  }, 120_000);

  it('maxRssMb 256: a task holding 512 MiB fails as oom, its worker is replaced and the next task runs', async () => {
    const wg = new WaitGroup({ driver: pool({ memoryLimitMb: 64, maxRssMb: 256 }), timeout: 60_000 });
    wg.go(holdBuffers, 512, 1500);
    wg.go(holdBuffers, 64, 10);
    const [big, next] = await wg.wait();
    expect(big?.ok).toBe(false);
    const { error } = big as { error: { kind: string; code?: string; message: string } };
    expect(error).toMatchObject({ kind: 'oom', code: 'ERR_ISOLANE_RSS_LIMIT' });
    expect(error.message).toMatch(
      /^the task's worker process used \d+ MiB of memory \(RSS\), over maxRssMb \(256\); it was killed$/,
    );
    expect(next).toMatchObject({ ok: true, value: 64 });
  }, 120_000);

  it('needs runtime process, and is checked like the other memory options', () => {
    expect(() => new PoolDriver({ maxRssMb: 256 })).toThrow(
      /options\.maxRssMb needs options\.runtime 'process'/,
    );
    expect(() => new PoolDriver({ runtime: 'process', maxRssMb: 0 })).toThrow(
      /options\.maxRssMb must be a number of MiB from 1 to 1048576, got 0/,
    );
  });
});
