/** poolifier's worker module: the task catalogue as poolifier task functions. */
import { ThreadWorker } from 'poolifier';
import { TASKS } from './tasks.js';

export default new ThreadWorker({ ...TASKS });
