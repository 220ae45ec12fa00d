/**
 * `memoryLimitMb` under the fork driver whatever `--max-old-space-size` the host runs with (core's
 * shared suite; the child's own flag replaces the host's).
 */
import { runHeapLimitSuite } from '@isolane/core/testing';

runHeapLimitSuite({ name: 'fork', driverModule: '@isolane/fork', driverExport: 'ForkDriver' });
