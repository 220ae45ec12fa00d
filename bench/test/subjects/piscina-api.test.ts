import { describe, expect, it } from 'vitest';
import { heapLimit } from '../../src/subjects/heap-limit.js';
import {
  type PiscinaRunOptions,
  piscinaPeerPool,
  piscinaPoolOptions,
  piscinaRunOptions,
} from '../../src/subjects/piscina-api.js';

describe('heapLimit', () => {
  it('sets maxOldGenerationSizeMb for a limit and nothing for none', () => {
    expect(heapLimit(64)).toEqual({ resourceLimits: { maxOldGenerationSizeMb: 64 } });
    expect(heapLimit(undefined)).toEqual({});
    expect(heapLimit(0)).toEqual({});
  });
});

describe('piscinaPoolOptions', () => {
  it('fixes the thread count to the concurrency and points at the task catalogue', () => {
    const options = piscinaPoolOptions({ concurrency: 3 });
    expect(options).toEqual({
      filename: expect.stringMatching(/\/workers\/tasks\.js$/),
      minThreads: 3,
      maxThreads: 3,
    });
    expect(options.filename.startsWith('file:')).toBe(true);
  });

  it('passes the heap limit as resourceLimits', () => {
    expect(piscinaPoolOptions({ concurrency: 1, memoryLimitMb: 32 }).resourceLimits).toEqual({
      maxOldGenerationSizeMb: 32,
    });
  });
});

describe('piscinaRunOptions', () => {
  it('names the task and adds a timeout signal only for a positive timeout', () => {
    expect(piscinaRunOptions('noop', 0)).toEqual({ name: 'noop' });
    const limited = piscinaRunOptions('spin', 50);
    expect(limited.name).toBe('spin');
    expect(limited.signal).toBeInstanceOf(AbortSignal);
    expect(limited.signal?.aborted).toBe(false);
  });
});

describe('piscinaPeerPool', () => {
  it('submits the argument by export name with the session timeout and closes through destroy()', async () => {
    const calls: { task: unknown; options: PiscinaRunOptions }[] = [];
    let destroyed = 0;
    const peer = piscinaPeerPool(
      {
        run: async (task, options) => {
          calls.push({ task, options });
          return 'done';
        },
        destroy: async () => {
          destroyed++;
        },
      },
      { concurrency: 1, timeoutMs: 100 },
    );
    await expect(peer.run('cpu', 7)).resolves.toBe('done');
    expect(calls).toHaveLength(1);
    expect(calls[0]?.task).toBe(7);
    expect(calls[0]?.options.name).toBe('cpu');
    expect(calls[0]?.options.signal).toBeInstanceOf(AbortSignal);
    await peer.destroy();
    expect(destroyed).toBe(1);
    expect(peer.closeWithinMs).toBe(5_000);
  });
});
