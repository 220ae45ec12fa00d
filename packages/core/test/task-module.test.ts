/**
 * The light task entry (`@isolane/core/task`) is a separate bundle that cold workers load as one file;
 * what it shares with the main entry (error classes, the task context, transfer, task brands) must work
 * across the two copies.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as main from '@isolane/core';
import { createRuntime } from '@isolane/core/runtime';
import * as task from '@isolane/core/task';
import { describe, expect, it } from 'vitest';

describe('@isolane/core/task', () => {
  it('is one self-contained file: no relative imports for a cold worker to resolve', () => {
    const file = fileURLToPath(import.meta.resolve('@isolane/core/task'));
    const source = readFileSync(file, 'utf8');
    expect(source).not.toMatch(/\bfrom\s+['"]\.{1,2}\//);
    expect(source).not.toMatch(/\bimport\s*\(\s*['"]\.{1,2}\//);
    expect(main.CaptureError).not.toBe(task.CaptureError); // really a second copy, so the checks below mean something
  });

  it('error classes match across the entries, with instanceof and the is* guards', () => {
    let thrown: unknown;
    const secret = 1;
    try {
      new main.WaitGroup({ driver: 'cooperative' }).go(() => secret);
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(task.CaptureError);
    expect(task.isCaptureError(thrown)).toBe(true);
    const fromTask = new task.SpawnError('x');
    expect(fromTask).toBeInstanceOf(main.SpawnError);
    expect(fromTask).toBeInstanceOf(TypeError);
    expect(fromTask).not.toBeInstanceOf(main.CaptureError);
    expect(new task.CaptureError('c', [])).toBeInstanceOf(main.CaptureError);
    expect(new Error('plain')).not.toBeInstanceOf(task.CaptureError);
  });

  it('a subclass of an error class keeps the ordinary instanceof', () => {
    class MyCapture extends task.CaptureError {}
    expect(new MyCapture('m', [])).toBeInstanceOf(MyCapture);
    expect(new task.CaptureError('c', [])).not.toBeInstanceOf(MyCapture);
  });

  it('transfer markers and module tasks from the task entry are understood by the main entry', () => {
    const marked = task.transfer(new Uint8Array(4));
    expect(main.isTransfer(marked)).toBe(true);
    const fn = task.defineTask(import.meta.url, 'double', (n: number) => n * 2);
    expect(main.moduleTaskSpec(fn)).toMatchObject({ kind: 'module', name: 'double' });
  });

  it('a task written against the task entry sees the context the runtime gives it', async () => {
    const { signalReason } = await import('./fixtures/context-task.mjs' as string);
    const spec = main.moduleTaskSpec(signalReason);
    if (!spec) throw new Error('the fixture exports no module task');
    const runtime = createRuntime({ bootstrap: undefined });
    const controller = new AbortController();
    controller.abort('stop now');
    const result = await runtime.run(spec, [], { id: 7, signal: controller.signal });
    expect(result).toMatchObject({ ok: true, value: 'stop now' });
  });
});
