// One blocking reader of many streams (stream-reader.ts) on a private Redis: every stream's entries in
// order, a stream watched while a read blocks is read too (the read is interrupted), what was read is
// trimmed, an unwatched stream is no longer read, and close() drops the connection.
import { Redis } from 'ioredis';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { StreamEntry } from '../src/message-streams.js';
import { StreamReader } from '../src/stream-reader.js';
import { useQueueTestEnv } from './helpers/queue-test-env.js';

const env = useQueueTestEnv();
let client: Redis;

beforeAll(() => {
  client = new Redis(env.redis.url);
});

afterAll(() => {
  client?.disconnect();
});

async function until(check: () => boolean | Promise<boolean>, ms = 20_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`not reached within ${ms} ms`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

const values = (entries: readonly StreamEntry[]) => entries.map((e) => e[1][1]);

it('reads every watched stream in order, one watched during a blocked read too, and trims what it read', async () => {
  const reader = new StreamReader(client);
  try {
    const a: unknown[] = [];
    const b: unknown[] = [];
    reader.watch('sr:a', (entries) => a.push(...values(entries)));
    // The reader is now blocked on sr:a alone: watching sr:b interrupts that read (CLIENT UNBLOCK, from the
    // command connection), and the next read covers both.
    await until(async () => String(await client.call('CLIENT', 'LIST')).includes('cmd=xread'));
    const unblocks: unknown[] = [];
    const command = client.client.bind(client) as (...args: unknown[]) => Promise<unknown>;
    (client as unknown as { client: typeof command }).client = async (...args) => {
      const reply = await command(...args);
      if (args[0] === 'UNBLOCK') unblocks.push(reply);
      return reply;
    };
    reader.watch('sr:b', (entries) => b.push(...values(entries)));
    await client.xadd('sr:b', '*', 'f', 'b0');
    for (let i = 0; i < 300; i++) await client.xadd('sr:a', '*', 'f', `a${i}`);
    await until(() => a.length === 300 && b.length === 1);
    expect(unblocks.length).toBeGreaterThan(0);
    expect(a).toEqual(Array.from({ length: 300 }, (_, i) => `a${i}`));
    expect(b).toEqual(['b0']);
    // Trimmed with the next read: nothing read stays in Redis.
    await client.xadd('sr:b', '*', 'f', 'b1');
    await until(() => b.length === 2);
    await until(async () => (await client.xlen('sr:a')) === 0 && (await client.xlen('sr:b')) <= 1);
    expect(reader.lastRead('sr:a')).toMatch(/^\d+-\d+$/);
  } finally {
    reader.close();
  }
}, 60_000);

it('an unwatched stream is no longer read; close() ends the reader', async () => {
  const reader = new StreamReader(client);
  const got: unknown[] = [];
  reader.watch('sr:c', (entries) => got.push(...values(entries)));
  reader.watch('sr:d', () => {});
  await client.xadd('sr:c', '*', 'f', 'c0');
  await until(() => got.length === 1);
  reader.unwatch('sr:c');
  await client.xadd('sr:c', '*', 'f', 'c1');
  await client.xadd('sr:d', '*', 'f', 'd0');
  // sr:d's entry came after sr:c's second one: once it is read, sr:c's would have been too.
  await until(() => reader.lastRead('sr:d') !== undefined);
  expect(got).toEqual(['c0']);
  expect(reader.lastRead('sr:c')).toBeUndefined();
  reader.close();
  expect(reader.size).toBe(0);
}, 60_000);
