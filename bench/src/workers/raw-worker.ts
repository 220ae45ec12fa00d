/** The worker of the raw `new Worker` and ping-pong baselines: answers requests over `parentPort`. */
import { parentPort } from 'node:worker_threads';
import { dispatch, READY, type TaskReply, type TaskRequest } from './dispatch.js';

const port = parentPort!;
const send = (reply: TaskReply): void => port.postMessage(reply);
port.on('message', (request: TaskRequest) => dispatch(request, send));
port.postMessage(READY);
