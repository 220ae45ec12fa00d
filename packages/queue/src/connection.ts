/**
 * Redis connections: a URL or ioredis options turned into the options BullMQ and ioredis take, a
 * printable name for error messages (password hidden), and the start-up check of the server (version,
 * `maxmemory-policy noeviction`: an evicted lock or job key loses work silently).
 */
import type { ConnectionOptions } from 'bullmq';
import { Redis, type RedisOptions } from 'ioredis';

/** A Redis URL or ioredis options. */
export type ConnectionSpec = string | Readonly<RedisOptions>;

/**
 * Checks a connection option: a `redis://` / `rediss://` URL or an object of ioredis options.
 *
 * @example
 * ```ts
 * checkConnection('redis://127.0.0.1:6379', '--redis'); // 'redis://127.0.0.1:6379'
 * ```
 */
export function checkConnection(value: unknown, label: string): ConnectionSpec {
  if (typeof value === 'string') {
    let url: URL;
    try {
      url = new URL(value);
    } catch {
      throw new TypeError(`${label} must be a redis:// or rediss:// URL, got ${JSON.stringify(value)}`);
    }
    if (url.protocol !== 'redis:' && url.protocol !== 'rediss:') {
      throw new TypeError(`${label} must be a redis:// or rediss:// URL, got ${JSON.stringify(value)}`);
    }
    return value;
  }
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
    return value as RedisOptions;
  }
  throw new TypeError(`${label} must be a Redis URL or an object of ioredis options, got ${String(value)}`);
}

/**
 * ioredis options for a connection spec, with the timeouts isolane needs (fast reconnects, a bounded
 * connect).
 *
 * @example
 * ```ts
 * redisOptions('redis://:secret@db:6380/2', 5_000); // { host: 'db', port: 6380, db: 2, password: 'secret', ... }
 * ```
 */
export function redisOptions(spec: ConnectionSpec, connectTimeout: number): RedisOptions {
  const base: RedisOptions = typeof spec === 'string' ? fromUrl(spec) : { ...(spec as RedisOptions) };
  return {
    connectTimeout: Math.min(connectTimeout, 10_000),
    // Reconnect quickly after a restart; the driver's own watchdog decides when to give up.
    retryStrategy: (times: number) => Math.min(50 * times, 500),
    ...base,
    // BullMQ's blocking connections require this; the driver bounds waits itself.
    maxRetriesPerRequest: null,
  };
}

function fromUrl(value: string): RedisOptions {
  const url = new URL(value);
  const out: RedisOptions = { host: url.hostname || '127.0.0.1', port: Number(url.port || 6379) };
  if (url.username) out.username = decodeURIComponent(url.username);
  if (url.password) out.password = decodeURIComponent(url.password);
  const db = url.pathname.replace(/^\//, '');
  if (db) out.db = Number(db);
  if (url.protocol === 'rediss:') out.tls = {};
  return out;
}

/**
 * The connection as it appears in messages: a URL without its password.
 *
 * @example
 * ```ts
 * describeConnection('redis://:secret@db:6379'); // 'redis://db:6379'
 * ```
 */
export function describeConnection(spec: ConnectionSpec): string {
  if (typeof spec === 'string') {
    const url = new URL(spec);
    url.password = '';
    url.username = '';
    return url.href.replace(/\/$/, '');
  }
  const o = spec as RedisOptions;
  if (o.path) return `redis+unix://${o.path}`;
  return `redis://${o.host ?? '127.0.0.1'}:${o.port ?? 6379}${o.db ? `/${o.db}` : ''}`;
}

/** What the start-up check found. */
export interface ServerCheck {
  readonly version: string;
  readonly maxmemoryPolicy?: string;
  /** Problems worth a loud warning. */
  readonly warnings: readonly string[];
}

/** The smallest Redis that BullMQ 6 supports. */
export const MIN_REDIS_VERSION = '6.2.0';

interface CommandClient {
  info(section: string): Promise<string>;
  call(...args: string[]): Promise<unknown>;
}

/**
 * Reads the server version and `maxmemory-policy`; anything but `noeviction` is a warning (an evicted
 * lock or job key loses work). Managed services that refuse `CONFIG GET` get a warning that the policy
 * could not be checked.
 *
 * @example
 * ```ts
 * const check = await checkServer(client, 'redis://127.0.0.1:6379');
 * for (const w of check.warnings) process.emitWarning(w, { code: 'ISOLANE_REDIS' });
 * ```
 */
export async function checkServer(client: CommandClient, name: string): Promise<ServerCheck> {
  const warnings: string[] = [];
  const info = await client.info('server');
  const version = /redis_version:([^\r\n]+)/.exec(info)?.[1]?.trim() ?? 'unknown';
  if (version === 'unknown' || compareVersions(version, MIN_REDIS_VERSION) < 0) {
    warnings.push(`Redis at ${name} is version ${version}; BullMQ needs ${MIN_REDIS_VERSION} or newer`);
  }
  let maxmemoryPolicy: string | undefined;
  try {
    const reply = (await client.call('CONFIG', 'GET', 'maxmemory-policy')) as string[];
    maxmemoryPolicy = reply[1];
  } catch (err) {
    warnings.push(
      `cannot read maxmemory-policy of Redis at ${name} (${(err as Error).message}); make sure it is "noeviction", or evicted keys will lose jobs`,
    );
  }
  if (maxmemoryPolicy !== undefined && maxmemoryPolicy !== 'noeviction') {
    warnings.push(
      `Redis at ${name} has maxmemory-policy "${maxmemoryPolicy}": set it to "noeviction" (CONFIG SET maxmemory-policy noeviction), or Redis may evict job locks and lose jobs`,
    );
  }
  return { version, ...(maxmemoryPolicy !== undefined ? { maxmemoryPolicy } : {}), warnings };
}

function compareVersions(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < 3; i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

/**
 * A new ioredis client. (ioredis' own option type does not satisfy its constructor under
 * `exactOptionalPropertyTypes`; the object is the one ioredis documents.)
 *
 * @example
 * ```ts
 * const client = newRedis(redisOptions('redis://127.0.0.1:6379', 5_000));
 * ```
 */
export function newRedis(options: RedisOptions): Redis {
  return new (Redis as unknown as new (o: RedisOptions) => Redis)(options);
}

/**
 * The same options typed for BullMQ, which declares its own copy of ioredis' option type.
 *
 * @example
 * ```ts
 * new QueueEvents('isolane', { connection: bullmqConnection(redisOptions(url, 5_000)) });
 * ```
 */
export function bullmqConnection(options: RedisOptions): ConnectionOptions {
  return options as unknown as ConnectionOptions;
}
