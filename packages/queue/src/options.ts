/**
 * The queue driver's options (`drivers.queue` in the config, or `options` of a Driver instance), checked
 * eagerly: each problem is a TypeError/RangeError naming the option.
 */
import { isAbsolute, resolve } from 'node:path';
import { checkNumberInRange, checkTimerMs } from '@isolane/core/driver-kit';
import { type ConnectionSpec, checkConnection } from './connection.js';

/** Options of the queue driver. */
export interface QueueDriverOptions {
  /**
   * A Redis URL (`redis://[user:pass@]host:port[/db]`, `rediss://` for TLS) or ioredis options. Default:
   * `ISOLANE_REDIS_URL`, then `redis://127.0.0.1:6379`.
   */
  readonly connection?: ConnectionSpec;
  /** BullMQ queue name (default `isolane`); workers must be started with the same `--queue`. */
  readonly queueName?: string;
  /** BullMQ key prefix (default `bull`); workers must use the same `--prefix`. */
  readonly prefix?: string;
  /**
   * Directory module tasks and the bootstrap are named relative to (default: the working directory).
   * Workers map the same relative path onto their own `--root`.
   */
  readonly root?: string;
  /** Runs of a task whose worker died (stalled job) before the slot fails as `crashed` (default 1). */
  readonly attempts?: number;
  /** How long Redis may be unreachable before pending slots fail as `crashed`, ms (default 10000). */
  readonly connectTimeout?: number;
  /** How often the stored state of every job in flight is read, to catch missed events, ms (default 1000). */
  readonly sweepMs?: number;
  /** How long an idle driver keeps its Redis connections before closing them, ms (default 2000). */
  readonly lingerMs?: number;
  /**
   * The most tasks one BullMQ job may carry (1 to 64, default 16; 1: every task its own job). Only tasks
   * known to be short (a running average under half a millisecond) share a job: see bundle-policy.ts.
   */
  readonly maxTasksPerJob?: number;
}

/** Options after checks and defaults. */
export interface ResolvedQueueOptions {
  readonly connection: ConnectionSpec;
  readonly queueName: string;
  readonly prefix: string;
  readonly root: string;
  readonly attempts: number;
  readonly connectTimeout: number;
  readonly sweepMs: number;
  readonly lingerMs: number;
  readonly maxTasksPerJob: number;
}

const KNOWN = [
  'connection',
  'queueName',
  'prefix',
  'root',
  'attempts',
  'connectTimeout',
  'sweepMs',
  'lingerMs',
  'maxTasksPerJob',
] as const;

/** The most tasks one job may carry (`maxTasksPerJob`; a worker refuses larger bundles). */
export const MAX_TASKS_PER_JOB = 64;

/** Default Redis URL when neither the option nor `ISOLANE_REDIS_URL` says otherwise. */
export const DEFAULT_REDIS_URL = 'redis://127.0.0.1:6379';

/**
 * Checks the driver options and fills the defaults.
 *
 * @example
 * ```ts
 * resolveQueueOptions({ queueName: 'reports', root: '/srv/app' }).connectTimeout; // 10000
 * ```
 */
export function resolveQueueOptions(input: Readonly<Record<string, unknown>> = {}): ResolvedQueueOptions {
  for (const key of Object.keys(input)) {
    if (!(KNOWN as readonly string[]).includes(key)) {
      throw new TypeError(
        `queue driver: unknown driver option "${key}" (known: ${KNOWN.map((k) => `"${k}"`).join(', ')})`,
      );
    }
  }
  const connection = checkConnection(
    input.connection ?? process.env.ISOLANE_REDIS_URL ?? DEFAULT_REDIS_URL,
    'queue driver: "connection"',
  );
  const root = input.root ?? process.cwd();
  if (typeof root !== 'string' || root === '') {
    throw new TypeError(`queue driver: "root" must be a directory path, got ${String(root)}`);
  }
  return {
    connection,
    queueName: checkName(input.queueName ?? 'isolane', 'queueName'),
    prefix: checkName(input.prefix ?? 'bull', 'prefix'),
    root: isAbsolute(root) ? root : resolve(root),
    attempts: checkNumberInRange(input.attempts ?? 1, 'queue driver: "attempts"', {
      min: 1,
      max: 100,
      integer: true,
    }),
    connectTimeout: checkTimerMs(input.connectTimeout ?? 10_000, 'queue driver: "connectTimeout"', {
      min: 1,
    }),
    sweepMs: checkTimerMs(input.sweepMs ?? 1_000, 'queue driver: "sweepMs"', { min: 10 }),
    lingerMs: checkTimerMs(input.lingerMs ?? 2_000, 'queue driver: "lingerMs"'),
    maxTasksPerJob: checkNumberInRange(input.maxTasksPerJob ?? 16, 'queue driver: "maxTasksPerJob"', {
      min: 1,
      max: MAX_TASKS_PER_JOB,
      integer: true,
    }),
  };
}

/**
 * A queue name or key prefix: non-empty, no colon (BullMQ builds keys with colons).
 *
 * @example
 * ```ts
 * checkName('reports', 'queueName'); // 'reports'
 * ```
 */
export function checkName(value: unknown, option: string): string {
  if (typeof value !== 'string' || !/^[A-Za-z0-9_.-]{1,100}$/.test(value)) {
    throw new TypeError(
      `queue driver: "${option}" must be 1 to 100 letters, digits, "_", "." or "-", got ${JSON.stringify(value)}`,
    );
  }
  return value;
}
