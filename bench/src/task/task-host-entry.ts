/**
 * The entry of a `task` measurement host: receive one plan over IPC, measure that runner on the user's
 * task, send the figures back, exit. One fresh process per runner, so module state, globals and leaked
 * workers of one runner never reach the next, and a task that kills its host is observed, not fatal.
 */
import type { HostMessage } from '../child/unit.js';
import { type HostPlan, measureRunner } from './measure-runner.js';

function reply(message: HostMessage): void {
  // Exit without waiting for whatever the task left running.
  process.send!(message, undefined, undefined, () => process.exit(0));
}

process.once('message', (plan: HostPlan) => {
  measureRunner(plan).then(
    (data) => reply({ type: 'result', data }),
    (err: unknown) =>
      reply({ type: 'error', message: err instanceof Error ? `${err.name}: ${err.message}` : String(err) }),
  );
});
