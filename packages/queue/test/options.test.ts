import { afterEach, describe, expect, it } from 'vitest';
import { checkConnection, describeConnection, redisOptions } from '../src/connection.js';
import { QueueDriver } from '../src/index.js';
import { DEFAULT_REDIS_URL, resolveQueueOptions } from '../src/options.js';

const saved = process.env.ISOLANE_REDIS_URL;
afterEach(() => {
  if (saved === undefined) delete process.env.ISOLANE_REDIS_URL;
  else process.env.ISOLANE_REDIS_URL = saved;
});

describe('driver options', () => {
  it('defaults: ISOLANE_REDIS_URL, then redis://127.0.0.1:6379', () => {
    delete process.env.ISOLANE_REDIS_URL;
    expect(resolveQueueOptions({}).connection).toBe(DEFAULT_REDIS_URL);
    process.env.ISOLANE_REDIS_URL = 'redis://10.0.0.5:6380';
    expect(resolveQueueOptions({}).connection).toBe('redis://10.0.0.5:6380');
    expect(resolveQueueOptions({ connection: 'redis://h:1' }).connection).toBe('redis://h:1');
    const o = resolveQueueOptions({});
    expect(o).toMatchObject({
      queueName: 'isolane',
      prefix: 'bull',
      attempts: 1,
      root: process.cwd(),
      maxTasksPerJob: 16,
    });
  });

  it.each([
    [{ nope: 1 }, /unknown driver option "nope"/],
    [{ connection: 'http://x' }, /"connection" must be a redis:\/\//],
    [{ connection: 42 }, /"connection" must be a Redis URL or an object/],
    [{ queueName: 'a:b' }, /"queueName"/],
    [{ prefix: '' }, /"prefix"/],
    [{ attempts: 0 }, /"attempts"/],
    [{ attempts: 1.5 }, /"attempts"/],
    [{ connectTimeout: -1 }, /"connectTimeout"/],
    [{ connectTimeout: 2 ** 31 }, /"connectTimeout"/],
    [{ sweepMs: 1 }, /"sweepMs"/],
    [{ root: 7 }, /"root"/],
    [{ maxTasksPerJob: 0 }, /"maxTasksPerJob"/],
    [{ maxTasksPerJob: 65 }, /"maxTasksPerJob"/],
    [{ maxTasksPerJob: 2.5 }, /"maxTasksPerJob"/],
    [{ maxTasksPerJob: '8' }, /"maxTasksPerJob"/],
  ])('%j is refused, naming the option', (input, pattern) => {
    expect(() => resolveQueueOptions(input as Record<string, unknown>)).toThrow(pattern);
  });

  it('the driver checks concurrency and memoryLimitMb like every driver', () => {
    expect(() => new QueueDriver({ concurrency: 0 })).toThrow(/"concurrency"/);
    expect(() => new QueueDriver({ concurrency: 1, memoryLimitMb: -5 })).toThrow(/"memoryLimitMb"/);
  });
});

describe('connections', () => {
  it('URL → ioredis options (user, password, db, TLS)', () => {
    expect(redisOptions('rediss://me:p%40ss@db.example:6390/3', 5_000)).toMatchObject({
      host: 'db.example',
      port: 6390,
      username: 'me',
      password: 'p@ss',
      db: 3,
      tls: {},
      connectTimeout: 5_000,
      maxRetriesPerRequest: null,
    });
  });

  it('messages never show the password', () => {
    expect(describeConnection('redis://me:secret@db:6379/2')).toBe('redis://db:6379/2');
    expect(describeConnection({ host: 'db', port: 6380, password: 'secret' })).toBe('redis://db:6380');
  });

  it('checkConnection names the option', () => {
    expect(() => checkConnection('ftp://x', '--redis')).toThrow(/--redis/);
    expect(checkConnection({ host: 'h' }, 'x')).toEqual({ host: 'h' });
  });
});
