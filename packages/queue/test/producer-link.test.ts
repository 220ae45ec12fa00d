// The producer's link hears every notice a worker publishes about its jobs, even the first: nothing is
// added before the control channel is subscribed (a lost "messages" notice left a task awaiting its
// caller's reply until its timeout, once in CI).
import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { resolveQueueOptions } from '../src/options.js';
import { ProducerLink } from '../src/producer-link.js';
import { controlChannel, type JobPayload } from '../src/wire.js';
import { useQueueTestEnv } from './helpers/queue-test-env.js';

const env = useQueueTestEnv();
const originalSubscribe = Redis.prototype.subscribe;
afterEach(() => {
  Redis.prototype.subscribe = originalSubscribe;
});

describe('ProducerLink', () => {
  it('adds nothing before its control channel is subscribed: a notice published once the add answered is heard', async () => {
    // A subscriber connection slower than the command connection (a loaded machine), made certain here.
    Redis.prototype.subscribe = function slowSubscribe(this: Redis, ...args: unknown[]) {
      return new Promise((resolve) => setTimeout(resolve, 500)).then(() =>
        (originalSubscribe as (...a: unknown[]) => Promise<unknown>).apply(this, args),
      );
    } as typeof Redis.prototype.subscribe;
    const queueName = `link-${process.pid}-${Date.now()}`;
    const heard: string[] = [];
    const link = new ProducerLink(resolveQueueOptions({ connection: env.redis.url, queueName }), {
      completed() {},
      finished() {},
      stray() {},
      messages: (msg) => heard.push(msg.jobId),
    });
    const publisher = new Redis(env.redis.url);
    try {
      const [id] = await link.addBulk([{} as JobPayload]);
      await publisher.publish(
        controlChannel('bull', queueName),
        JSON.stringify({ type: 'messages', jobId: id, to: 'caller' }),
      );
      const deadline = Date.now() + 10_000;
      while (heard.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      expect(heard).toEqual([id]);
    } finally {
      publisher.disconnect();
      await link.close();
    }
  }, 60_000);
});
