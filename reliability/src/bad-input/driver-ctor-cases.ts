/**
 * Bad-input cases for the driver constructors' options (CooperativeDriver, PoolDriver, ThreadDriver,
 * ForkDriver).
 */
import { type BadInputCase, ctorCase, throwsRange, throwsType } from './case-kit.js';

/** Driver constructor options, in the order of the doc's table. */
export const DRIVER_CTOR_CASES: readonly BadInputCase[] = [
  ctorCase(
    'cooperative',
    'CooperativeDriver',
    '{ concurrency: 0 }',
    { concurrency: 0 },
    throwsRange(/"concurrency" must be an integer from 1 to 4096/),
  ),
  ctorCase(
    'pool',
    'PoolDriver',
    '{ concurrency: 0 }',
    { concurrency: 0 },
    throwsRange(/options\.concurrency/),
  ),
  ctorCase(
    'pool',
    'PoolDriver',
    '{ maxTasksPerWorker: 0 }',
    { maxTasksPerWorker: 0 },
    throwsRange(/options\.maxTasksPerWorker/),
  ),
  ctorCase(
    'pool',
    'PoolDriver',
    '{ idleTimeout: -1 }',
    { idleTimeout: -1 },
    throwsRange(/options\.idleTimeout/),
  ),
  ctorCase(
    'pool',
    'PoolDriver',
    '{ recycle: true } (unknown)',
    { recycle: true },
    throwsType(/unknown pool driver option "recycle"/),
  ),
  ctorCase(
    'thread',
    'ThreadDriver',
    '{ prespawn: -1 }',
    { prespawn: -1 },
    throwsRange(/"prespawn" must be an integer from 0 to 64/),
  ),
  ctorCase(
    'thread',
    'ThreadDriver',
    '{ lingerMs: "1s" }',
    { lingerMs: '1s' },
    throwsType(/"lingerMs" must be a number of ms/),
  ),
  ctorCase(
    'thread',
    'ThreadDriver',
    '{ memoryLimitMb: 0 }',
    { memoryLimitMb: 0 },
    throwsRange(/"memoryLimitMb" must be an integer from 8 to 1048576 MiB/),
  ),
  ctorCase(
    'thread',
    'ThreadDriver',
    '{ pool: true } (unknown)',
    { pool: true },
    throwsType(/unknown thread driver option "pool"/),
  ),
  ctorCase(
    'fork',
    'ForkDriver',
    '{ stdio: "loud" }',
    { stdio: 'loud' },
    throwsType(/options\.stdio must be 'inherit', 'capture' or 'ignore'/),
  ),
  ctorCase(
    'fork',
    'ForkDriver',
    '{ killGraceMs: -5 }',
    { killGraceMs: -5 },
    throwsRange(/options\.killGraceMs must be an integer from 0 to 2147483647 ms/),
  ),
  ctorCase(
    'fork',
    'ForkDriver',
    '{ prespawn: 1.5 }',
    { prespawn: 1.5 },
    throwsRange(/options\.prespawn must be an integer from 0 to 64/),
  ),
  ctorCase(
    'fork',
    'ForkDriver',
    '{ stdio: "capture" } without onOutput',
    { stdio: 'capture' },
    throwsType(/options\.stdio 'capture' needs options\.onOutput/),
  ),
];
