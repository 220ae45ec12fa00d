// Runs in a process of its own (vitest isolates files): the storage it installs is process-wide.
import { describe, expect, it } from 'vitest';
import { neverSignal, singleTaskStorage, taskContext, taskStorage } from '../src/context.js';

describe('task context storage', () => {
  it('outside any task, the message methods say so', async () => {
    await expect(taskContext().send(1)).rejects.toThrow('taskContext().send(): not inside a running task');
    await expect(taskContext().receive()).rejects.toThrow(/receive\(\): not inside a running task/);
    expect(() => taskContext().progress(1)).toThrow(/progress\(\): not inside a running task/);
    expect(() => taskContext().messages()).toThrow(/messages\(\): not inside a running task/);
  });

  it('outside any task, taskContext() gives a signal that never fires', () => {
    expect(taskContext().signal.aborted).toBe(false);
    expect(taskContext().signal).toBe(neverSignal());
  });

  it('a one-task storage holds the store from run() on, for what the task leaves running', async () => {
    const storage = singleTaskStorage();
    expect(taskStorage()).toBe(storage); // installed process-wide, taken by every copy of core
    const controller = new AbortController();
    const seen = await storage.run({ id: 3, signal: controller.signal }, async () => {
      await new Promise((resolve) => setTimeout(resolve, 1));
      return taskContext().signal;
    });
    expect(seen).toBe(controller.signal);
    expect(storage.getStore()?.id).toBe(3); // still there after the task returned
    expect(singleTaskStorage()).toBe(storage); // an existing storage is kept
  });
});
