/**
 * The task catalogue as isolane module tasks: the drivers import this module by URL in their workers and
 * call the named export, exactly as an application's tasks would be run.
 */
import { defineTask } from '@isolane/core/task';
import { TASKS, type TaskName } from './tasks.js';

const url = import.meta.url;

export const noop = defineTask(url, 'noop', TASKS.noop);
export const cpu = defineTask(url, 'cpu', TASKS.cpu);
export const sleep = defineTask(url, 'sleep', TASKS.sleep);
export const setGlobal = defineTask(url, 'setGlobal', TASKS.setGlobal);
export const readGlobal = defineTask(url, 'readGlobal', TASKS.readGlobal);
export const patchPrototype = defineTask(url, 'patchPrototype', TASKS.patchPrototype);
export const readPrototype = defineTask(url, 'readPrototype', TASKS.readPrototype);
export const setEnv = defineTask(url, 'setEnv', TASKS.setEnv);
export const readEnv = defineTask(url, 'readEnv', TASKS.readEnv);
export const readArgLater = defineTask(url, 'readArgLater', TASKS.readArgLater);
export const exit = defineTask(url, 'exit', TASKS.exit);
export const throwInTimer = defineTask(url, 'throwInTimer', TASKS.throwInTimer);
export const rejectUnhandled = defineTask(url, 'rejectUnhandled', TASKS.rejectUnhandled);
export const throwAfterReturn = defineTask(url, 'throwAfterReturn', TASKS.throwAfterReturn);
export const allocate = defineTask(url, 'allocate', TASKS.allocate);
export const spin = defineTask(url, 'spin', TASKS.spin);

/** Every module task by catalogue name. */
export const MODULE_TASKS: Record<TaskName, (arg?: unknown) => unknown> = {
  noop,
  cpu,
  sleep,
  setGlobal,
  readGlobal,
  patchPrototype,
  readPrototype,
  setEnv,
  readEnv,
  readArgLater,
  exit,
  throwInTimer,
  rejectUnhandled,
  throwAfterReturn,
  allocate,
  spin,
};
