/**
 * `memoryLimitMb` under the thread driver whatever `--max-old-space-size` the host runs with (core's
 * shared suite; driver-kit's heap-flag makes the thread's own limit the one in force).
 */
import { runHeapLimitSuite } from '@isolane/core/testing';

runHeapLimitSuite({ name: 'thread', driverModule: '@isolane/thread', driverExport: 'ThreadDriver' });
