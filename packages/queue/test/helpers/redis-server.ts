/**
 * A private Redis for the tests (the package's testing module, shared with the bench). When
 * `redis-server` is not installed the tests fail with a message saying how to install it — they are never
 * skipped.
 */
export { freePort, type PrivateRedis, ping, redisServerPath, startRedis } from '../../src/testing/index.js';
