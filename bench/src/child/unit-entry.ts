/**
 * The entry of a unit host process: receive one unit over IPC, run it, send the result back, exit.
 * It installs no `uncaughtException` handler on purpose: a probe that kills its host must be seen to.
 */
import { runUnit } from './run-unit.js';
import type { HostMessage, Unit } from './unit.js';
import { setUnitProgressSink } from './unit-progress.js';

function reply(message: HostMessage): void {
  process.send!(message, undefined, undefined, () => {
    // Exit without waiting for whatever the unit left running (poolifier's destroy may never settle).
    process.exit(0);
  });
}

// How far the unit got (phase and round boundaries, two reports a second at most): the bench's bar.
setUnitProgressSink((text) => process.send?.({ type: 'progress', text } satisfies HostMessage));

process.once('message', (unit: Unit) => {
  runUnit(unit).then(
    (data) => reply({ type: 'result', data }),
    (err: unknown) =>
      reply({ type: 'error', message: err instanceof Error ? `${err.name}: ${err.message}` : String(err) }),
  );
});
