/**
 * The task catalogue declared the in-module way, `defineTask(import.meta.url, …)` inside a module that
 * imports `@isolane/core/task`: a cold worker then also resolves and loads that package before the
 * task runs. The latency measure runs these next to `isolane-tasks.ts` (same task code over the plain
 * module) to show what the pattern costs per cold worker.
 */
import { defineTask } from '@isolane/core/task';
import { TASKS, type TaskName } from './tasks.js';

const url = import.meta.url;
// Wrappers, not the catalogue's functions: `defineTask` marks the function it is given, and those are
// already marked as tasks of `tasks.js` by `isolane-tasks.ts`.
const call =
  (name: TaskName) =>
  (arg?: unknown): unknown =>
    (TASKS[name] as (arg?: unknown) => unknown)(arg);

export const noop = defineTask(url, 'noop', call('noop'));
export const cpu = defineTask(url, 'cpu', call('cpu'));
export const sleep = defineTask(url, 'sleep', call('sleep'));
export const setGlobal = defineTask(url, 'setGlobal', call('setGlobal'));
export const readGlobal = defineTask(url, 'readGlobal', call('readGlobal'));
export const patchPrototype = defineTask(url, 'patchPrototype', call('patchPrototype'));
export const readPrototype = defineTask(url, 'readPrototype', call('readPrototype'));
export const setEnv = defineTask(url, 'setEnv', call('setEnv'));
export const readEnv = defineTask(url, 'readEnv', call('readEnv'));
export const readArgLater = defineTask(url, 'readArgLater', call('readArgLater'));
export const exit = defineTask(url, 'exit', call('exit'));
export const segfault = defineTask(url, 'segfault', call('segfault'));
export const throwInTimer = defineTask(url, 'throwInTimer', call('throwInTimer'));
export const rejectUnhandled = defineTask(url, 'rejectUnhandled', call('rejectUnhandled'));
export const throwAfterReturn = defineTask(url, 'throwAfterReturn', call('throwAfterReturn'));
export const allocate = defineTask(url, 'allocate', call('allocate'));
export const spin = defineTask(url, 'spin', call('spin'));
