/**
 * Killing the children still alive when this process exits lives in core's driver-kit, shared with the
 * pool's worker processes (one `exit` listener for every child of every driver).
 */
export { forgetOnParentExit, killOnParentExit } from '@isolane/core/driver-kit';
