/** The child process of the raw `child_process.fork` baseline: answers requests over IPC. */
import { dispatch, READY, type TaskReply, type TaskRequest } from './dispatch.js';

const send = (reply: TaskReply): void => {
  process.send!(reply);
};
process.on('message', (request: TaskRequest) => dispatch(request, send));
// A child must not outlive its parent: the IPC channel closing is the parent's death.
process.on('disconnect', () => process.exit(0));
process.send!(READY);
