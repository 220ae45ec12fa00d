/**
 * The entry of a `task` measurement host: receive one plan over IPC, measure that runner on the user's
 * task, send the figures back, exit. One fresh process per runner, so module state, globals and leaked
 * workers of one runner never reach the next, and a task that kills its host is observed, not fatal.
 */
import type { HostMessage } from '../child/unit.js';
import { type HostPlan, measureRunner } from './measure-runner.js';
import { progressText } from './progress-text.js';
import { onTaskProgress } from './runners.js';

function reply(message: HostMessage): void {
  // Exit without waiting for whatever the task left running.
  process.send!(message, undefined, undefined, () => process.exit(0));
}

// The user's task reports progress (taskContext().progress()): the bench's progress bar shows the
// latest, a few times a second at most.
let lastProgress = 0;
onTaskProgress((value) => {
  const now = performance.now();
  if (now - lastProgress < 200) return;
  lastProgress = now;
  process.send?.({ type: 'progress', text: progressText(value) } satisfies HostMessage);
});

process.once('message', (plan: HostPlan) => {
  measureRunner(plan).then(
    (data) => reply({ type: 'result', data }),
    (err: unknown) =>
      reply({ type: 'error', message: err instanceof Error ? `${err.name}: ${err.message}` : String(err) }),
  );
});
