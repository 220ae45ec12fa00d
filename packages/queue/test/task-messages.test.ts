// Task messages through the queue (issue 18), what the shared conformance cases cannot see: the streams
// in Redis (bounded by the window in both directions, removed once the slot settles, whether it
// returned, was aborted or its worker was killed), no Redis work at all for jobs that never message,
// and frames forged into a stream failing only their own slot. Verdicts wait for events, bounded by
// generous deadlines.
import { MESSAGE_WINDOW, WaitGroup } from '@isolane/core';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// Core's hostile fixture of the conformance case messages-forged-credits (a module under the workers' root).
import { forgeCredits } from '../../core/dist/testing/fixtures/message-tasks.js';
import { itLeavesNoWorkerProcess, useQueueTestEnv, workerArgs } from './helpers/queue-test-env.js';
import { queueName } from './helpers/workers.js';

// Inline tasks use `taskContext` by name: the runtime provides it (an import would be a capture).
declare const taskContext: typeof import('@isolane/core').taskContext;

const queue = queueName('messages');
const env = useQueueTestEnv();
let client: Redis;

beforeAll(async () => {
  client = new Redis(env.redis.url);
  await Promise.all(
    [0, 1].map(() => env.startWorker(workerArgs(env.redis.url, queue, 2, ['--allow-inline']))),
  );
}, 60_000);

afterAll(() => {
  client?.disconnect();
});

/** The message streams of `name` in Redis now. */
function streamKeys(name: string): Promise<string[]> {
  return client.keys(`bull:${name}:*:isolane-*`);
}

/** Waits (bounded) until `name` has no message stream left; returns those left at the deadline. */
async function untilNoStreams(name: string, ms = 20_000): Promise<string[]> {
  const deadline = Date.now() + ms;
  let left = await streamKeys(name);
  while (left.length > 0 && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    left = await streamKeys(name);
  }
  return left;
}

/** Waits (bounded) until `check` holds. */
async function until(check: () => boolean | Promise<boolean>, ms = 30_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`not reached within ${ms} ms`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/**
 * Samples the longest message stream of `name` (XLEN) every few ms until `stop()`; resolves with the
 * largest length seen and how many samples saw a stream at all.
 */
function sampleStreams(name: string): { stop(): Promise<{ max: number; seen: number }> } {
  let running = true;
  const probe = new Redis(env.redis.url);
  const done = (async () => {
    let max = 0;
    let seen = 0;
    while (running) {
      const keys = await probe.keys(`bull:${name}:*:isolane-*`);
      for (const key of keys) {
        const len = await probe.xlen(key);
        if (len > 0) seen++;
        max = Math.max(max, len);
      }
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
    probe.disconnect();
    return { max, seen };
  })();
  return {
    stop() {
      running = false;
      return done;
    },
  };
}

it('a group whose tasks never message costs no Redis command on any message stream', async () => {
  const monitor = await client.monitor();
  const commands: string[] = [];
  monitor.on('monitor', (_time: string, args: string[]) => commands.push(args.join(' ')));
  const driver = env.driver(queue, 4);
  try {
    const wg = new WaitGroup({ driver, timeout: 60_000 });
    for (let i = 0; i < 40; i++) wg.go((a: number) => a * 2, i);
    const results = await wg.wait();
    expect(results.map((r) => (r.ok ? r.value : r.error.message))).toEqual(
      Array.from({ length: 40 }, (_, i) => i * 2),
    );
    // MONITOR shows each command as it runs; the jobs' own adds are there, nothing else is.
    await until(() => commands.some((c) => /evalsha|EVALSHA/.test(c)));
    expect(
      commands.filter((c) => /isolane-(out|in)|"messages"|XREAD.*isolane|CLIENT.*UNBLOCK/i.test(c)),
    ).toEqual([]);
  } finally {
    monitor.disconnect();
    await driver.close();
  }
}, 120_000);

it('messages go both ways in order; the streams are gone once the slot settled', async () => {
  const driver = env.driver(queue, 2);
  try {
    const wg = new WaitGroup({ driver, timeout: 60_000 });
    const slot = wg.go(async () => {
      const c = taskContext();
      let n = 0;
      for await (const m of c.messages()) {
        if (m === null) break;
        await c.send((m as number) * 2);
        n++;
      }
      return n;
    });
    const got: unknown[] = [];
    const reading = (async () => {
      for await (const m of wg.messages(slot)) got.push(m);
    })();
    const n = MESSAGE_WINDOW * 4;
    for (let i = 0; i < n; i++) await wg.send(slot, i);
    await wg.send(slot, null);
    const [r] = await wg.wait();
    await reading;
    expect(r).toMatchObject({ ok: true, value: n });
    expect(got).toEqual(Array.from({ length: n }, (_, i) => i * 2));
    expect(await untilNoStreams(queue)).toEqual([]);
  } finally {
    await driver.close();
  }
}, 120_000);

it('a flood either way keeps each stream in Redis within the window', async () => {
  const driver = env.driver(queue, 2);
  const sampler = sampleStreams(queue);
  try {
    const wg = new WaitGroup({ driver, timeout: 120_000 });
    const total = 1_500;
    // Task -> caller: the task sends as fast as it can; the caller reads in slow bursts.
    const flood = wg.go(async (count: number) => {
      const c = taskContext();
      const payload = 'x'.repeat(1024);
      for (let i = 0; i < count; i++) await c.send(payload);
      return count;
    }, total);
    // Caller -> task: the caller sends as fast as it can; the task reads in slow bursts.
    const drink = wg.go(async (count: number) => {
      const c = taskContext();
      let n = 0;
      while (n < count) {
        await c.receive();
        if (++n % 100 === 0) await new Promise((resolve) => setTimeout(resolve, 20));
      }
      return n;
    }, total);
    const sending = (async () => {
      const payload = 'y'.repeat(1024);
      for (let i = 0; i < total; i++) await wg.send(drink, payload);
    })();
    let read = 0;
    for await (const m of wg.messages(flood)) {
      expect((m as string).length).toBe(1024);
      if (++read % 100 === 0) await new Promise((resolve) => setTimeout(resolve, 20));
    }
    await sending;
    const results = await wg.wait();
    expect(results.map((r) => (r.ok ? r.value : r.error.message))).toEqual([total, total]);
    expect(read).toBe(total);
    const { max, seen } = await sampler.stop();
    expect(seen, 'the sampler never saw a message stream').toBeGreaterThan(0);
    // A window of messages, the other side's credits (one per 16) and a read not yet trimmed.
    expect(max).toBeLessThanOrEqual(MESSAGE_WINDOW + 16);
    expect(await untilNoStreams(queue)).toEqual([]);
  } finally {
    await sampler.stop();
    await driver.close();
  }
}, 180_000);

it('an aborted slot that was streaming leaves no stream behind', async () => {
  const driver = env.driver(queue, 2);
  try {
    const wg = new WaitGroup({ driver, timeout: 60_000 });
    const slot = wg.go(async () => {
      const c = taskContext();
      for (let i = 0; ; i++) await c.send(i);
    });
    let seen = 0;
    for await (const _ of wg.messages(slot)) {
      if (++seen === 200) wg.abort('enough');
    }
    const [r] = await wg.wait();
    expect(r).toMatchObject({ ok: false, error: { kind: 'aborted' } });
    expect(await untilNoStreams(queue)).toEqual([]);
  } finally {
    await driver.close();
  }
}, 120_000);

describe('frames forged into a stream', () => {
  it('a malformed task -> caller frame fails only its slot, with a ChannelError', async () => {
    const driver = env.driver(queue, 2);
    try {
      const wg = new WaitGroup({ driver, timeout: 60_000 });
      const slot = wg.go(async () => {
        const c = taskContext();
        await c.send('first');
        return c.receive();
      });
      const sibling = wg.go(async (ms: number) => {
        await new Promise((resolve) => setTimeout(resolve, ms));
        return 'sibling';
      }, 500);
      const it = wg.messages(slot)[Symbol.asyncIterator]();
      expect((await it.next()).value).toBe('first');
      const [key] = (await streamKeys(queue)).filter((k) => k.endsWith(':isolane-out'));
      expect(key).toBeDefined();
      await client.xadd(key as string, '*', 'f', 'not a frame');
      const results = await wg.wait();
      expect(results[slot]).toMatchObject({ ok: false, error: { kind: 'crashed', name: 'ChannelError' } });
      expect(results[sibling]).toMatchObject({ ok: true, value: 'sibling' });
      expect(await untilNoStreams(queue)).toEqual([]);
    } finally {
      await driver.close();
    }
  }, 120_000);

  it('a malformed caller -> task frame fails only its slot, with a ChannelError', async () => {
    const driver = env.driver(queue, 2);
    try {
      const wg = new WaitGroup({ driver, timeout: 60_000 });
      const slot = wg.go(async () => {
        const c = taskContext();
        const first = await c.receive();
        c.progress(first);
        return c.receive();
      });
      await wg.send(slot, 'hello');
      await until(() => wg.progress(slot) === 'hello');
      const [key] = (await streamKeys(queue)).filter((k) => k.endsWith(':isolane-in'));
      expect(key).toBeDefined();
      await client.xadd(key as string, '*', 'f', Buffer.from('garbage').toString('base64'));
      const [r] = await wg.wait();
      expect(r).toMatchObject({ ok: false, error: { kind: 'crashed', name: 'ChannelError' } });
      const next = new WaitGroup({ driver, timeout: 60_000 });
      next.go((x: number) => x + 1, 41);
      expect((await next.wait())[0]).toMatchObject({ ok: true, value: 42 });
      expect(await untilNoStreams(queue)).toEqual([]);
    } finally {
      await driver.close();
    }
  }, 120_000);
});

it('a task forging credits fails its slot with a ChannelError; its stream never holds more than the window', async () => {
  const driver = env.driver(queue, 2);
  const sampler = sampleStreams(queue);
  try {
    const wg = new WaitGroup({ driver, timeout: 60_000 });
    // It reaches its own mailbox and gives itself credits: 5,000 sends go out at once, past the window.
    wg.go(forgeCredits, 5_000);
    const [r] = await wg.wait();
    expect(r).toMatchObject({ ok: false, error: { kind: 'crashed', name: 'ChannelError' } });
    if (!r?.ok) expect(r?.error.message).toMatch(/message window/);
    const { max } = await sampler.stop();
    // The worker writes nothing past the window (its caller never read: nothing was trimmed).
    expect(max).toBeLessThanOrEqual(MESSAGE_WINDOW);
    expect(await untilNoStreams(queue)).toEqual([]);
  } finally {
    await sampler.stop();
    await driver.close();
  }
}, 120_000);

describe('a worker killed while its task streams', () => {
  // Fast stall detection: a silent worker's lock expires after 4 s; checks every second.
  const LOCK_MS = 4_000;

  it('the slot fails as crashed, its messages end, and its streams are removed', async () => {
    const name = queueName('messages-kill');
    const victim = await env.startWorker(
      workerArgs(env.redis.url, name, 2, [
        '--allow-inline',
        '--lock-duration',
        String(LOCK_MS),
        '--stalled-interval',
        '1000',
      ]),
    );
    const driver = env.driver(name, 2);
    try {
      const wg = new WaitGroup({ driver, timeout: 120_000 });
      const slot = wg.go(async () => {
        const c = taskContext();
        for (let i = 0; ; i++) await c.send(i);
      });
      let seen = 0;
      let killedAt = 0;
      for await (const m of wg.messages(slot)) {
        expect(m).toBe(seen);
        if (++seen === 300) {
          killedAt = performance.now();
          victim.child.kill('SIGKILL');
        }
      }
      const [r] = await wg.wait();
      expect(r).toMatchObject({ ok: false, error: { kind: 'crashed', code: 'ISOLANE_JOB_STALLED' } });
      expect(performance.now() - killedAt).toBeLessThan(LOCK_MS + 2_000 + 15_000);
      expect(await victim.exited).toMatchObject({ signal: 'SIGKILL' });
      expect(await untilNoStreams(name)).toEqual([]);
    } finally {
      await driver.close();
    }
  }, 120_000);
});

itLeavesNoWorkerProcess(env);
