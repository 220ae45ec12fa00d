/**
 * The host's `--max-old-space-size` against a thread's own heap limit: how the host's flag is read, and
 * that a thread with its own limit gets it (not the flag) while threads started after it get the flag
 * again.
 */
import { setFlagsFromString } from 'node:v8';
import { Worker } from 'node:worker_threads';
import { afterEach, describe, expect, it } from 'vitest';
import { hostHeapFlagMb, withOwnHeapLimit } from '../../src/driver-kit/heap-flag.js';

const REPORT = `require('node:worker_threads').parentPort.postMessage(
  require('node:v8').getHeapStatistics().heap_size_limit / 1048576)`;

/** The heap limit (MiB, young generation included) a thread started by `create` reports. */
function heapLimitOf(worker: Worker): Promise<number> {
  return new Promise((resolve, reject) => {
    worker.once('message', (mb: number) => {
      resolve(mb);
      void worker.terminate();
    });
    worker.once('error', reject);
  });
}

describe('hostHeapFlagMb', () => {
  it('reads the flag from NODE_OPTIONS and the command line, the latter winning', () => {
    expect(hostHeapFlagMb([], '--enable-source-maps --max-old-space-size=2048')).toBe(2048);
    expect(hostHeapFlagMb(['--max-old-space-size=200'], '--max-old-space-size=2048')).toBe(200);
    expect(hostHeapFlagMb(['--max_old_space_size', '300'], undefined)).toBe(300);
    expect(hostHeapFlagMb(['--max-old-space-size=1', '--max-old-space-size=96'], '')).toBe(96);
  });

  it('is undefined when nothing sets it, or sets it to 0 or garbage', () => {
    expect(hostHeapFlagMb([], undefined)).toBeUndefined();
    expect(hostHeapFlagMb(['--import', 'tsx'], '--enable-source-maps')).toBeUndefined();
    expect(hostHeapFlagMb(['--max-old-space-size=0'], '')).toBeUndefined();
    expect(hostHeapFlagMb(['--max-old-space-size=lots'], '')).toBeUndefined();
  });
});

describe('withOwnHeapLimit', () => {
  const saved = process.env.NODE_OPTIONS;
  afterEach(() => {
    setFlagsFromString('--max-old-space-size=0');
    if (saved === undefined) delete process.env.NODE_OPTIONS;
    else process.env.NODE_OPTIONS = saved;
  });

  it("under a host flag, a thread's own limit is in force and later threads get the flag again", async () => {
    const limited = () => new Worker(REPORT, { eval: true, resourceLimits: { maxOldGenerationSizeMb: 32 } });
    // The thread's own limit as V8 reports it without a host flag: 32 MiB of old space plus V8's young
    // generation, whose default size differs between Node versions (80 MiB in all on Node 20, 224 on 24).
    const ownLimit = await heapLimitOf(limited());
    // Stands for a host started with the flag: the V8 flag itself, and where withOwnHeapLimit reads it.
    process.env.NODE_OPTIONS = '--max-old-space-size=300';
    setFlagsFromString('--max-old-space-size=300');
    // Node's own behaviour: the flag wins over the thread's resourceLimits.
    expect(await heapLimitOf(limited())).toBeGreaterThanOrEqual(300);
    const own = await heapLimitOf(withOwnHeapLimit({ maxOldGenerationSizeMb: 32 }, limited));
    expect(own).toBe(ownLimit);
    const after = await heapLimitOf(new Worker(REPORT, { eval: true }));
    expect(after).toBeGreaterThanOrEqual(300);
  }, 60_000);

  it('a thread without its own limit is created as is', async () => {
    let calls = 0;
    const worker = withOwnHeapLimit(undefined, () => {
      calls++;
      return new Worker(REPORT, { eval: true });
    });
    expect(calls).toBe(1);
    expect(await heapLimitOf(worker)).toBeGreaterThan(0);
  }, 60_000);
});
