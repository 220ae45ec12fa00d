/**
 * The parent-death guard of fork children lives in core's driver-kit, shared with the pool's worker
 * processes (`setpriv --pdeathsig KILL`, else a watchdog thread in the child).
 */
export { type ParentDeathGuard, parentDeathGuard, pdeathsigLaunch } from '@isolane/core/driver-kit';
