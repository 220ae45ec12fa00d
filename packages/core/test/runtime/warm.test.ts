import { beforeEach, describe, expect, it } from 'vitest';
import { createRuntime } from '../../src/runtime/runtime.js';

const fixture = (name: string) => new URL(`../fixtures/${name}`, import.meta.url).href;
const log = (): string[] => {
  const g = globalThis as { __isolaneWarmLog?: string[] };
  g.__isolaneWarmLog ??= [];
  return g.__isolaneWarmLog;
};
/** A fresh instance of the logging task module (each query string is its own module). */
let n = 0;
const freshModule = () => `${fixture('warm-module.mjs')}?n=${++n}`;

describe('Runtime.warm', () => {
  beforeEach(() => {
    log().length = 0;
  });

  it('fills the module map and the ready state: runNow answers synchronously right after', async () => {
    const runtime = createRuntime();
    const url = freshModule();
    await runtime.warm([url]);
    expect(log()).toEqual(['module']);
    const result = runtime.runNow({ kind: 'module', module: url, name: 'double' }, [21]);
    expect(result).not.toBeInstanceOf(Promise);
    expect(result).toMatchObject({ ok: true, value: 42 });
  });

  it('hooks the loader once, then the bootstrap, then the modules in order', async () => {
    const runtime = createRuntime({
      loaderHook: fixture('warm-hook.mjs'),
      bootstrap: fixture('warm-bootstrap.mjs'),
    });
    const [a, b] = [freshModule(), freshModule()];
    await Promise.all([runtime.warm([a, b]), runtime.ready(), runtime.warm([])]);
    expect(log()).toEqual(['hook', 'bootstrap', 'module', 'module']);
    expect(runtime.runNow({ kind: 'module', module: b, name: 'double' }, [2])).toMatchObject({ value: 4 });
  });

  it('load() waits for the bootstrap, which precedes every task module', async () => {
    const runtime = createRuntime({ bootstrap: fixture('warm-bootstrap.mjs') });
    const url = freshModule();
    await runtime.load(url);
    expect(log()).toEqual(['bootstrap', 'module']);
  });

  it('stops loading modules once a task has started', async () => {
    const runtime = createRuntime({ bootstrap: fixture('warm-bootstrap.mjs') });
    const [a, b] = [freshModule(), freshModule()];
    const warming = runtime.warm([a, b]);
    const ran = runtime.run({ kind: 'inline', source: '() => 1' }, []);
    await warming;
    expect(await ran).toMatchObject({ ok: true, value: 1 });
    expect(log()).toEqual(['bootstrap']);
  });

  it('loads nothing after a failed bootstrap, and never rejects; tasks report the bootstrap failure', async () => {
    const runtime = createRuntime({ bootstrap: fixture('does-not-exist.mjs') });
    await expect(runtime.warm([freshModule()])).resolves.toBeUndefined();
    expect(log()).toEqual([]);
    const result = runtime.runNow({ kind: 'inline', source: '() => 1' }, []);
    expect(result).toBeInstanceOf(Promise);
    expect(await result).toMatchObject({ ok: false, error: { kind: 'bootstrap' } });
  });

  it('a module that fails to load is skipped; its task fails with the load error', async () => {
    const runtime = createRuntime();
    const broken = fixture('throws-on-load.mjs');
    const url = freshModule();
    await runtime.warm([broken, url]);
    expect(log()).toEqual(['module']);
    expect(await runtime.runNow({ kind: 'module', module: broken, name: 'x' }, [])).toMatchObject({
      ok: false,
      error: { name: 'RangeError', message: 'broken at load' },
    });
  });
});
