/**
 * `@isolane/queue/testing`: a private loopback `redis-server` and local `isolane-worker` processes, as the
 * package's own tests and the bench start them. Not part of the driver's API.
 *
 * @example
 * ```ts
 * import { startLocalWorker, startRedis } from '@isolane/queue/testing';
 * const redis = await startRedis(['--appendonly', 'no']);
 * const worker = await startLocalWorker({ args: ['--redis', redis.url, '--root', process.cwd()] });
 * await worker.stop();
 * await redis.dispose();
 * ```
 */
export {
  type LocalWorker,
  type LocalWorkerOptions,
  startLocalWorker,
  WORKER_CLI,
} from './local-worker.js';
export {
  findRedisServer,
  freePort,
  INSTALL_REDIS_HINT,
  killedWithParent,
  type PrivateRedis,
  ping,
  redisServerPath,
  startRedis,
} from './private-redis.js';
