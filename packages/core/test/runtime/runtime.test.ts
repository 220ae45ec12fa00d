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

describe('Runtime.start (the worker path)', () => {
  const revoked = `() => { const p = Proxy.revocable({}, {}); p.revoke(); return p.proxy; }`;
  const thenGetter = `() => ({ get then() { throw new Error('then-getter'); } })`;
  const getTrap = `() => new Proxy({}, { get() { throw new Error('get-trap'); } })`;

  it('a value that throws when inspected fails its own task at once, and never throws', () => {
    const runtime = createRuntime();
    return runtime.ready().then(() => {
      for (const [source, says] of [
        [revoked, 'revoked'],
        [thenGetter, 'then-getter'],
        [getTrap, 'get-trap'],
      ] as const) {
        const later = () => {
          throw new Error('a value known at once must not be delivered later');
        };
        const r = runtime.start(inline(source), [], undefined, later);
        expect(r).toMatchObject({ ok: false, error: { kind: 'unserializable' } });
        expect((r as { error: { message: string } }).error.message).toContain(says);
      }
      // The runtime still serves.
      expect(runtime.start(inline('(a, b) => a + b'), [1, 2], undefined, () => {})).toMatchObject({
        ok: true,
        value: 3,
      });
    });
  });

  it('an async value that throws when inspected fails its own task, delivered once to `later`', async () => {
    const runtime = createRuntime();
    await runtime.ready();
    const got: unknown[] = [];
    const delivered = new Promise<void>((resolve) => {
      const r = runtime.start(
        inline(`async () => ({ get x() { throw new Error('getter-threw'); } })`),
        [],
        undefined,
        (result) => {
          got.push(result);
          resolve();
        },
      );
      expect(r).toBeUndefined();
      expect(got).toEqual([]); // never synchronously
    });
    await delivered;
    expect(got).toHaveLength(1);
    expect(got[0]).toMatchObject({ ok: false, error: { kind: 'unserializable' } });
    expect((got[0] as { error: { message: string } }).error.message).toContain('getter-threw');
  });

  it('a `then` every object inherits does not make a plain value a thenable', async () => {
    const runtime = createRuntime();
    await runtime.ready();
    Object.defineProperty(Object.prototype, 'then', { value() {}, configurable: true, writable: true });
    let r: unknown;
    try {
      r = runtime.start(inline('() => ({ a: 1 })'), [], { checkResult: false }, () => {});
    } finally {
      delete (Object.prototype as { then?: unknown }).then;
    }
    expect(r).toEqual({ ok: true, value: { a: 1 }, ms: expect.any(Number) });
  });

  it('a real thenable is awaited; its rejection fails the task', async () => {
    const runtime = createRuntime();
    await runtime.ready();
    const outcome = (source: string) =>
      new Promise((resolve) => {
        const r = runtime.start(inline(source), [], undefined, resolve);
        if (r !== undefined) resolve(r);
      });
    expect(await outcome('() => ({ then(ok) { ok(7); } })')).toMatchObject({ ok: true, value: 7 });
    expect(await outcome('() => ({ then(_, no) { no(new Error("nope")); } })')).toMatchObject({
      ok: false,
      error: { kind: 'threw', message: 'nope' },
    });
  });
});
