/** workerpool's worker script: registers the task catalogue as workerpool methods. */
import workerpool from 'workerpool';
import { TASKS } from './tasks.js';

workerpool.worker({ ...TASKS });
