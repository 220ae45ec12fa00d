/**
 * The task catalogue as isolane module tasks over the same plain module the raw baselines run
 * (`tasks.js`, which imports nothing from isolane): each export is declared from the caller's side,
 * `defineTask(<url of tasks.js>, name, fn)`, and the drivers' workers import `tasks.js` by URL and call
 * the named export. Every subject thus runs identical task code, so the cold figures compare the
 * machinery (spawn, runtime, protocol), not the task modules. `isolane-module-tasks.ts` declares the
 * same tasks inside a module that imports `@isolane/core/task`, to measure what that costs.
 */
import { defineTask } from '@isolane/core';
import { TASKS, type TaskName } from './tasks.js';

const url = new URL('./tasks.js', import.meta.url);

const declared: Partial<Record<TaskName, (arg?: unknown) => unknown>> = {};
for (const name of Object.keys(TASKS) as TaskName[]) {
  declared[name] = defineTask(url, name, TASKS[name] as (arg?: unknown) => unknown);
}

/** Every module task by catalogue name, declared over `tasks.js`. */
export const MODULE_TASKS = declared as Record<TaskName, (arg?: unknown) => unknown>;
