import { describe, expect, it } from 'vitest';
import { createRuntime } from '../../src/runtime/runtime.js';

const inline = (source: string) => ({ kind: 'inline', source }) as const;
const tasks = new URL('../fixtures/tasks.ts', import.meta.url).href;

describe('createRuntime', () => {
  it('encodes values, throws and unportable results as data', async () => {
    const runtime = createRuntime();
    expect(await runtime.run(inline('(a, b) => a + b'), [1, 2])).toMatchObject({ ok: true, value: 3 });
    expect(await runtime.run(inline('() => { throw new RangeError("r"); }'), [])).toMatchObject({
      ok: false,
      error: { kind: 'threw', name: 'RangeError', message: 'r' },
    });
    expect(await runtime.run(inline('() => ({ f() {} })'), [])).toMatchObject({
      ok: false,
      error: { kind: 'unserializable' },
    });
  });

  it('fails every task with kind "bootstrap" when the bootstrap cannot load', async () => {
    const runtime = createRuntime({
      bootstrap: new URL('../fixtures/does-not-exist.js', import.meta.url).href,
    });
    const r = await runtime.run(inline('() => 1'), []);
    expect(r).toMatchObject({ ok: false, error: { kind: 'bootstrap', name: 'BootstrapError' } });
  });

  it('runNow answers synchronously once ready and the module is loaded, else falls back to a promise', async () => {
    const runtime = createRuntime();
    const add = { kind: 'module', module: tasks, name: 'add' } as const;
    const first = runtime.runNow(add, [1, 2]);
    expect(first).toBeInstanceOf(Promise);
    expect(await first).toMatchObject({ ok: true, value: 3 });
    expect(runtime.runNow(add, [2, 2])).toMatchObject({ ok: true, value: 4 });
    expect(runtime.runNow(inline('() => { throw new Error("sync"); }'), [])).toMatchObject({
      ok: false,
      error: { message: 'sync' },
    });
    const later = runtime.runNow({ kind: 'module', module: tasks, name: 'slow' }, [5]);
    expect(later).toBeInstanceOf(Promise);
    expect(await later).toMatchObject({ ok: true, value: 5 });
    expect(runtime.runNow({ kind: 'module', module: tasks, name: 'nope' }, [])).toMatchObject({
      ok: false,
      error: { name: 'SpawnError' },
    });
  });
});

describe('Runtime.load', () => {
  it('starts a module import into the cache that run() then uses (evaluated once)', async () => {
    const runtime = createRuntime({ oneTask: true });
    const url = new URL('../fixtures/load-count.mjs', import.meta.url).href;
    const before = (globalThis as { __isolaneLoadCount?: number }).__isolaneLoadCount ?? 0;
    const loading = runtime.load(url);
    await loading;
    expect(await runtime.run({ kind: 'module', module: url, name: 'loads' }, [])).toMatchObject({
      ok: true,
      value: before + 1,
    });
  });

  it('never rejects for a module that fails to load; the task using it fails with kind "threw"', async () => {
    const runtime = createRuntime({ oneTask: true });
    const url = new URL('../fixtures/throws-on-load.mjs', import.meta.url).href;
    await expect(runtime.load(url)).resolves.toBeUndefined();
    expect(await runtime.run({ kind: 'module', module: url, name: 'x' }, [])).toMatchObject({
      ok: false,
      error: { kind: 'threw', name: 'RangeError', message: 'broken at load' },
    });
  });
});
