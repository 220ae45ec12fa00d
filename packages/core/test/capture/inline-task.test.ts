import { execFileSync } from 'node:child_process';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { inlineTaskSpec } from '../../src/capture/inline-task.js';
import { type CaptureError, isCaptureError, isSpawnError, type SpawnError } from '../../src/errors.js';
import type { TaskSpec } from '../../src/task.js';

// Vitest rewrites the functions written in this file (formatting, TS annotations), so tests that assert
// exact positions build their functions from source text, the way a worker rebuilds them.
function fromSource(source: string): Function {
  return new Function(`return (${source});`)() as Function;
}

/** Rebuilds a spec exactly like the worker runtime (compileInline). */
function compile(spec: TaskSpec): Function {
  if (spec.kind !== 'inline') throw new Error('expected an inline spec');
  const fn: unknown = new Function(`return (${spec.source});`)();
  expect(typeof fn).toBe('function');
  return fn as Function;
}

function roundTrip(fn: Function, allowed?: ReadonlySet<string>): Function {
  return compile(inlineTaskSpec(fn, allowed));
}

function captureError(fn: Function, allowed?: ReadonlySet<string>): CaptureError {
  try {
    inlineTaskSpec(fn, allowed);
  } catch (err) {
    expect(isCaptureError(err), String(err)).toBe(true);
    return err as CaptureError;
  }
  throw new Error('expected a CaptureError');
}

function spawnError(fn: unknown): SpawnError {
  try {
    inlineTaskSpec(fn as Function);
  } catch (err) {
    expect(isSpawnError(err), String(err)).toBe(true);
    expect(isCaptureError(err)).toBe(false);
    return err as SpawnError;
  }
  throw new Error('expected a SpawnError');
}

const INLINE_TASK_SOURCE = fileURLToPath(new URL('../../src/capture/inline-task.ts', import.meta.url));

// Variables of this module: any task that uses them captures them.
const limit = 10;
const factor = 3;
const db = { query: (q: string) => q };

describe('inlineTaskSpec: accepted functions rebuild and compute the same result', () => {
  it('arrow functions with expression and block bodies', async () => {
    const add = (a: number, b: number) => a + b;
    expect(inlineTaskSpec(add)).toEqual({ kind: 'inline', source: add.toString() });
    expect(roundTrip(add)(2, 3)).toBe(5);
    const block = (xs: number[]) => {
      let total = 0;
      for (const x of xs) total += x;
      return total;
    };
    expect(roundTrip(block)([1, 2, 3])).toBe(6);
    expect(roundTrip(fromSource('x => x * 2'))(21)).toBe(42);
    expect(await roundTrip(fromSource('async x => x + 1'))(1)).toBe(2);
  });

  it('function expressions and declarations, named and anonymous, recursive by name', () => {
    expect(roundTrip(fromSource('function (a) { return a * 2; }'))(4)).toBe(8);
    expect(roundTrip(fromSource('function fact(n) { return n <= 1 ? 1 : n * fact(n - 1); }'))(5)).toBe(120);
    function declared(a: number, b: number): number {
      return helper(a) + b;
      function helper(x: number): number {
        return x * 10;
      }
    }
    expect(roundTrip(declared)(1, 2)).toBe(12);
    expect(roundTrip(new Function('a', 'b', 'return a - b'))(5, 3)).toBe(2);
  });

  it('async functions, generators and async generators', async () => {
    const asyncArrow = async (ms: number) => {
      await new Promise((resolve) => setTimeout(resolve, ms));
      return 'done';
    };
    expect(await roundTrip(asyncArrow)(1)).toBe('done');
    expect(
      await roundTrip(fromSource('async function load(x) { return await Promise.resolve(x); }'))(7),
    ).toBe(7);
    const gen = fromSource('function* range(n) { for (let i = 0; i < n; i++) yield i; }');
    expect([...(roundTrip(gen)(3) as Iterable<number>)]).toEqual([0, 1, 2]);
    const agen = fromSource('async function* ticks(n) { for (let i = 0; i < n; i++) yield await i; }');
    const seen: number[] = [];
    for await (const v of roundTrip(agen)(3) as AsyncIterable<number>) seen.push(v);
    expect(seen).toEqual([0, 1, 2]);
  });

  it('default and destructuring parameters, defaults referencing earlier parameters', () => {
    const f = fromSource(
      '(a, b = a * 2, { c = b + 1, d: [e, f = e] = [a] } = {}, ...rest) => [a, b, c, e, f, rest]',
    );
    expect(roundTrip(f)(1)).toEqual([1, 2, 3, 1, 1, []]);
    expect(roundTrip(f)(1, 5, { c: 0, d: [9] }, 'x')).toEqual([1, 5, 0, 9, 9, ['x']]);
    const g = ({ a, b: { c } }: { a: number; b: { c: number } }, [d = 0, ...e]: number[]) =>
      a + c + d + e.length;
    expect(roundTrip(g)({ a: 1, b: { c: 2 } }, [3, 4, 5])).toBe(8);
  });

  it('shadowing: locals, catch params, for-of/for-in bindings, classes and hoisted functions', () => {
    const task = (input: number) => {
      const limit = 2; // shadows the module's `limit`
      let factor = 0;
      for (const db of [1, 2]) factor += db;
      for (const key in { a: 1 }) factor += key.length;
      try {
        throw new Error('x');
      } catch (db) {
        factor += (db as Error).message.length;
      }
      class Local {
        value() {
          return Local.name.length;
        }
      }
      return hoisted(input) * limit + factor + new Local().value();
      function hoisted(v: number) {
        return v + 1;
      }
    };
    expect(roundTrip(task)(1)).toBe(task(1));
    const named = fromSource(
      '() => { const C = class D { who() { return D.name; } }; return new C().who(); }',
    );
    expect(roundTrip(named)()).toBe('D');
    expect(roundTrip(fromSource('(limit) => { { let factor = limit; return factor; } }'))(4)).toBe(4);
  });

  it('standard globals (ECMAScript and Node) are not captures', async () => {
    const task = async (s: string) => {
      const url = new URL('https://example.com/' + s);
      const bytes = new TextEncoder().encode(JSON.stringify({ p: url.pathname }));
      const copy = structuredClone({ n: Math.max(1, bytes.length) });
      const ac = new AbortController();
      clearTimeout(setTimeout(() => {}, 1));
      await new Promise<void>((resolve) => queueMicrotask(resolve));
      return [
        copy.n,
        typeof fetch,
        typeof crypto.randomUUID,
        Buffer.from('a').length,
        typeof process.pid,
        ac.signal.aborted,
        typeof globalThis,
        typeof Atomics,
        Number.isNaN(NaN),
        undefined,
        Intl.DateTimeFormat.name,
        new Map([[1, 2]]).size,
        typeof performance.now(),
        typeof atob,
      ];
    };
    expect(await roundTrip(task)('x')).toEqual(await task('x'));
  });

  it('names in allowedGlobals are not captures', () => {
    const task = (x: number) => x * limit;
    const allowed = new Set(['limit']);
    const spec = inlineTaskSpec(task, allowed);
    expect(spec).toEqual({ kind: 'inline', source: task.toString() });
    expect(captureError(task).problems.map((p) => p.what)).toEqual(['limit']);
  });

  it('`arguments` in a non-arrow function (and in arrows nested in it) is its own', () => {
    expect(roundTrip(fromSource('function () { return arguments.length; }'))(1, 2, 3)).toBe(3);
    expect(roundTrip(fromSource('function () { const f = () => arguments[0]; return f(); }'))('a')).toBe('a');
    expect(
      roundTrip(fromSource('() => { function inner() { return arguments.length; } return inner(1, 2); }'))(),
    ).toBe(2);
  });

  it('`this` / `super` inside nested functions, classes, class fields and static blocks are their own', () => {
    const task = fromSource(`() => {
      const o = { v: 2, get() { return this.v; } };
      class Base { hi() { return 'base'; } }
      class Sub extends Base { f = this.hi(); static s; static { this.s = 'static'; } hi() { return super.hi() + '!'; } }
      function F() { this.k = 1; }
      return [o.get(), new Sub().f, Sub.s, new F().k];
    }`);
    expect(roundTrip(task)()).toEqual([2, 'base!', 'static', 1]);
  });

  it('property keys, member names, labels and computed keys are handled correctly', () => {
    const task = () => {
      const o = { limit: 1, factor: 2, db: 3 };
      let n = 0;
      outer: for (const i of [1, 2, 3]) {
        for (const j of [1, 2]) {
          if (j === 2) continue outer;
          if (i === 3) break outer;
          n += o.limit + o.factor + o.db;
        }
      }
      const key = 'k';
      const prop = 'db' as const;
      return { n, [key]: o[prop] };
    };
    expect(roundTrip(task)()).toEqual({ n: 12, k: 3 });
  });

  it('typeof on an undeclared name is feature detection, not a capture', () => {
    const task = fromSource('() => typeof window === "undefined" ? "node" : "browser"');
    expect(roundTrip(fromSource('() => typeof WebAssembly.Module'))()).toBe('function');
    expect(roundTrip(task)()).toBe('node');
  });

  it('dynamic import() inside a task is fine', () => {
    // Not called here: Vitest's sandbox has no dynamic-import hook for `new Function` code; workers do.
    const source = "async () => (await import('node:path')).posix.join('a', 'b')";
    expect(inlineTaskSpec(fromSource(source))).toEqual({ kind: 'inline', source });
  });
});

describe('inlineTaskSpec: methods', () => {
  it('shorthand methods, async, generator and async generator methods', async () => {
    const o = {
      double(a: number) {
        return a * 2;
      },
      async later(a: number) {
        return a + 1;
      },
      *pair(a: number) {
        yield a;
        yield a;
      },
      async *apair(a: number) {
        yield a;
      },
    };
    const double = roundTrip(o.double);
    expect(double(4)).toBe(8);
    expect(double.name).toBe('double');
    expect(await roundTrip(o.later)(1)).toBe(2);
    expect([...(roundTrip(o.pair)(7) as Iterable<number>)]).toEqual([7, 7]);
    const out: number[] = [];
    for await (const v of roundTrip(o.apair)(5) as AsyncIterable<number>) out.push(v);
    expect(out).toEqual([5]);
    expect(inlineTaskSpec(o.double).kind).toBe('inline');
  });

  it('a method does not bind its own name: a same-named global still means the global', () => {
    const o = fromSource('{ parseInt(s) { return parseInt(s, 10) + 1; } }') as unknown as {
      parseInt: Function;
    };
    const rebuilt = roundTrip(o.parseInt);
    expect(rebuilt('41')).toBe(42);
    expect(rebuilt.name).toBe('parseInt');
  });

  it('class methods, static methods and computed-key methods', () => {
    class Calc {
      static triple(a: number) {
        return a * 3;
      }
      square(a: number) {
        return a * a;
      }
      [Symbol.iterator]() {
        return [1, 2][Symbol.iterator]();
      }
    }
    expect(roundTrip(Calc.triple)(2)).toBe(6);
    expect(roundTrip(Calc.prototype.square)(3)).toBe(9);
    const iter = roundTrip(Calc.prototype[Symbol.iterator]);
    expect([...(iter() as Iterable<number>)]).toEqual([1, 2]);
    expect(iter.name).toBe('[Symbol.iterator]');
    const keyed = fromSource(
      "{ 'my-key'(a) { return a + 1; }, 7(a) { return a + 7; } }",
    ) as unknown as Record<string, Function>;
    expect(roundTrip(keyed['my-key']!)(1)).toBe(2);
    expect(roundTrip(keyed[7]!)(1)).toBe(8);
  });

  it('a computed key that uses outer variables is not analysed (only the function is shipped)', () => {
    const name = 'dyn';
    const o = {
      [name](a: number) {
        return a + 100;
      },
    };
    const rebuilt = roundTrip(o[name]);
    expect(rebuilt(1)).toBe(101);
    expect(rebuilt.name).toBe('dyn');
  });

  it('`super` or `this` at the top level of a method is a CaptureError', () => {
    const o = fromSource(
      '{ __proto__: { base() { return 1; } }, m(a) { return super.base() + a; } }',
    ) as unknown as {
      m: Function;
    };
    const err = captureError(o.m);
    expect(err.problems).toEqual([
      { what: 'super', where: '1:15', hint: expect.stringContaining('home object') },
    ]);
    expect(err.message).toContain('`super` at 1:15');
    const t = fromSource('{ m() { return this.x; } }') as unknown as { m: Function };
    expect(captureError(t.m).problems[0]).toMatchObject({ what: 'this', where: '1:14' });
  });
});

describe('inlineTaskSpec: captures are CaptureErrors naming each identifier, where and how to pass it', () => {
  it('names the identifier, its line:column, the source line and the argument hint', () => {
    const err = captureError(fromSource('(x) => x * limit'));
    expect(err.problems).toEqual([
      { what: 'limit', where: '1:12', hint: expect.stringContaining('wg.go((x, limit) => ..., x, limit)') },
    ]);
    expect(err.message).toContain('`limit` at 1:12');
    expect(err.message).toContain('(x) => x * limit\n');
    expect(err.message).toMatch(/\n\s+\^{5}\n/);
    expect(err.message).toContain('pass `limit` as an argument: wg.go((x, limit) => ..., x, limit)');
    expect(err.message).toContain('module task (defineTask)');
  });

  it('a captured function (called in the task) points to module tasks, not to passing it as an argument', () => {
    for (const source of [
      '(x) => helper(x)',
      '(x) => helper?.(x) ?? x',
      '() => new Helper()',
      '(x) => { const y = x; return helper (y); }',
    ]) {
      const err = captureError(fromSource(source));
      const hint = err.problems[0]!.hint;
      expect(hint, source).toMatch(
        /is called, so it is a function, and functions cannot cross an isolation boundary/,
      );
      expect(hint, source).toContain("defineTask(import.meta.url, 'name', fn)");
      expect(hint, source).not.toContain('as an argument:');
    }
    // Read, not called: passing it as an argument is the fix.
    expect(captureError(fromSource('(x) => x + helper.size')).problems[0]!.hint).toContain(
      'pass `helper` as an argument',
    );
  });

  it('names every captured identifier, once each, in source order, with every location', () => {
    const source = `(x, y) => {
  const z = x + limit;
  return z * factor + limit + y;
}`;
    const err = captureError(fromSource(source));
    expect(err.problems.map((p) => [p.what, p.where])).toEqual([
      ['limit', '2:17'],
      ['factor', '3:14'],
    ]);
    expect(err.message).toContain('(`limit`, `factor`)');
    expect(err.message).toContain('`limit` at 2:17 (also at 3:23)');
    expect(err.message).toContain('const z = x + limit;');
    expect(err.message).toContain('return z * factor + limit + y;');
    expect(err.problems[1]!.hint).toContain('wg.go((x, y, factor) => ..., x, y, factor)');
  });

  it('real closures over module variables are caught', () => {
    const err = captureError((x: number) => x * limit + factor);
    expect(err.problems.map((p) => p.what)).toEqual(['limit', 'factor']);
  });

  it('suggests passing the recipe, not the handle, for handle-like names', () => {
    const err = captureError((sql: string) => db.query(sql));
    expect(err.problems).toHaveLength(1);
    expect(err.problems[0]!.what).toBe('db');
    expect(err.problems[0]!.hint).toContain('pass the recipe (a path/config), not the handle');
  });

  it('shorthand properties are references; keys are not', () => {
    const err = captureError(fromSource('() => ({ limit, other: 1, [factor]: 2 })'));
    expect(err.problems.map((p) => [p.what, p.where])).toEqual([
      ['limit', '1:10'],
      ['factor', '1:28'],
    ]);
  });

  it('a default parameter referencing an outer variable is a capture (even if the body declares it)', () => {
    expect(captureError(fromSource('(a, b = limit) => a + b')).problems[0]).toMatchObject({
      what: 'limit',
      where: '1:9',
    });
    const err = captureError(fromSource('function (a = factor) { var factor = 1; return a + factor; }'));
    expect(err.problems.map((p) => [p.what, p.where])).toEqual([['factor', '1:15']]);
  });

  it('assigning to an outer variable is a capture', () => {
    expect(captureError(fromSource('() => { counter++; total = 1; }')).problems.map((p) => p.what)).toEqual([
      'counter',
      'total',
    ]);
  });

  it('typeof x plus another use of x is a capture', () => {
    const err = captureError(fromSource('() => typeof cache === "object" ? cache.get(1) : null'));
    expect(err.problems).toEqual([{ what: 'cache', where: '1:14', hint: expect.any(String) }]);
    expect(err.message).toContain('(also at 1:35)');
  });

  it('`this` in a top-level arrow and in a function task', () => {
    const arrow = captureError(fromSource('() => this.x'));
    expect(arrow.problems[0]).toMatchObject({ what: 'this', where: '1:7' });
    expect(arrow.problems[0]!.hint).toContain('arrow');
    const fn = captureError(fromSource('function () {\n  return this.x + 1;\n}'));
    expect(fn.problems[0]).toMatchObject({ what: 'this', where: '2:10' });
    expect(fn.problems[0]!.hint).toContain('without a `this`');
  });

  it('`arguments` and `new.target` in a top-level arrow', () => {
    const err = captureError(fromSource('() => arguments.length + (new.target ? 1 : 0)'));
    expect(err.problems.map((p) => [p.what, p.where])).toEqual([
      ['arguments', '1:7'],
      ['new.target', '1:27'],
    ]);
    expect(err.problems[0]!.hint).toContain('rest parameter');
  });

  it('`import.meta` is reported with a module-task hint', () => {
    // Needs a real ESM function whose source contains import.meta: Vitest rewrites import.meta in the
    // modules it loads, so a child Node process (Node's own loader) imports one and reports the error.
    const script = [
      `import { inlineTaskSpec } from ${JSON.stringify(pathToFileURL(INLINE_TASK_SOURCE).href)};`,
      "const { f } = await import('data:text/javascript,export const f = () => import.meta.url;');",
      'try { inlineTaskSpec(f); console.log("accepted"); }',
      'catch (e) { console.log(JSON.stringify({ name: e.name, message: e.message, problems: e.problems })); }',
    ].join('\n');
    const out = execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      encoding: 'utf8',
      cwd: fileURLToPath(new URL('../..', import.meta.url)),
    });
    const err = JSON.parse(out) as { name: string; message: string; problems: CaptureError['problems'] };
    expect(err.name).toBe('CaptureError');
    expect(err.problems).toEqual([
      { what: 'import.meta', where: '1:7', hint: expect.stringContaining('defineTask(import.meta.url') },
    ]);
    expect(err.message).toContain('`import.meta` at 1:7');
  });

  it('CommonJS names are not globals in the ESM worker, with a hint for each', () => {
    const err = captureError(
      fromSource("() => [require('node:fs'), module.exports, exports.x, __dirname, __filename]"),
    );
    expect(err.problems.map((p) => p.what)).toEqual([
      'require',
      'module',
      'exports',
      '__dirname',
      '__filename',
    ]);
    expect(err.problems[0]!.hint).toContain("await import('node:fs')");
    expect(err.problems[3]!.hint).toContain('pass it as an argument');
    expect(err.problems[3]!.hint).toContain('CommonJS');
  });

  it.each([
    'cov_1x2y3z',
    '__coverage__',
    '__cov_abc',
    '__awaiter',
    '__generator',
    '__name',
    '_asyncToGenerator',
    '_interopRequireDefault',
    '__publicField',
    '_ts_decorate',
    '__require',
  ])('names injected by code transforms get a transform hint: %s', (name) => {
    const err = captureError(fromSource(`(a) => ${name}(a)`));
    expect(err.problems[0]!.what).toBe(name);
    expect(err.problems[0]!.hint).toContain('code transform');
    expect(err.problems[0]!.hint).toContain('coverage instrumentation, a bundler or TS downlevel helper');
    expect(err.problems[0]!.hint).toContain('defineTask');
  });

  it.each(['__vite_ssr_import_0__', '__vi_import_1__'])(
    'Vite/Vitest import rewrites get an import hint: %s',
    (name) => {
      const err = captureError(fromSource(`(a) => ${name}.helper(a)`));
      expect(err.problems[0]!.hint).toContain('code transform');
      expect(err.problems[0]!.hint).toContain('import');
    },
  );

  it('a function of this test file that uses an import is caught through the test transform', () => {
    const err = captureError((e: unknown) => isSpawnError(e));
    // Vitest rewrites `isSpawnError` to a property of an injected module namespace (or leaves the name).
    const what = err.problems[0]!.what;
    expect(['isSpawnError'].includes(what) || /^__vi/.test(what)).toBe(true);
  });

  it('labels the task by its name', () => {
    expect(captureError(fromSource('function compute() { return limit; }')).message).toMatch(
      /^inline task "compute" uses something/,
    );
  });

  it('long lines are cut around the use', () => {
    const source = `() => [${'1, '.repeat(100)}limit, ${'2, '.repeat(100)}]`;
    const err = captureError(fromSource(source));
    expect(err.problems[0]!.where).toBe('1:308');
    const excerpt = err.message.split('\n').find((line) => line.includes('limit,'))!;
    expect(excerpt.length).toBeLessThan(130);
    expect(excerpt).toContain('…');
  });
});

describe('inlineTaskSpec: SpawnError for values that are not shippable task functions', () => {
  it.each([42, 'x => x', null, undefined, {}, Symbol('s')])('non-functions: %s', (value) => {
    expect(spawnError(value).message).toContain('must be a function');
  });

  it('bound functions', () => {
    function withThis(this: { k: number }, a: number) {
      return this.k + a;
    }
    const err = spawnError(withThis.bind({ k: 1 }));
    expect(err.message).toContain('bound function');
    expect(err.message).toContain('"withThis"');
    expect(err.message).toContain('pass them as ordinary arguments'.replace('pass', 'Pass'));
    expect(spawnError(((a: number) => a).bind(null, 1)).message).toContain('bound');
  });

  it('native functions', () => {
    expect(spawnError(Math.max).message).toContain('native function');
    expect(spawnError(Array.prototype.push).message).toContain('[native code]');
  });

  it('classes', () => {
    class Job {}
    class Sub extends Job {}
    expect(spawnError(Job).message).toContain('is a class (class Job {...}), not a task function');
    expect(spawnError(Sub).message).toContain('wrap the work in a function'.replace('wrap', 'Wrap'));
    expect(spawnError(fromSource('class {}')).message).toContain('is a class');
  });

  it('getters and setters', () => {
    const o = {
      get v() {
        return 1;
      },
      set v(x: number) {
        void x;
      },
    };
    const d = Object.getOwnPropertyDescriptor(o, 'v')!;
    expect(spawnError(d.get).message).toContain('getter');
    expect(spawnError(d.set).message).toContain('setter');
  });

  it('sources acorn cannot rebuild (private methods)', () => {
    const holder = fromSource(
      'class { #secret() { return 1; } static read(o) { return o.#secret; } }',
    ) as unknown as {
      new (): object;
      read(o: object): Function;
    };
    expect(spawnError(holder.read(new holder())).message).toContain('could not be parsed');
  });
});

describe('inlineTaskSpec: caching', () => {
  it('the same function twice returns the identical spec object', () => {
    const task = (a: number) => a + 1;
    const first = inlineTaskSpec(task);
    expect(inlineTaskSpec(task)).toBe(first);
    expect(Object.isFrozen(first)).toBe(true);
  });

  it('the same source in two different closures hits the source cache', () => {
    const makeTask = () => fromSource('(a) => a * 2 + 0.5');
    const f1 = makeTask();
    const f2 = makeTask();
    expect(f1).not.toBe(f2);
    expect(inlineTaskSpec(f2)).toBe(inlineTaskSpec(f1));
  });

  it('a cached error is thrown again with the same information, as a fresh error', () => {
    const task = fromSource('(x) => x + hidden');
    const a = captureError(task);
    const b = captureError(task);
    const c = captureError(fromSource('(x) => x + hidden'));
    expect(b).not.toBe(a);
    expect(b.message).toBe(a.message);
    expect(b.problems).toEqual(a.problems);
    expect(c.problems).toEqual(a.problems);
    expect(spawnError(Math.min).message).toBe(spawnError(Math.min).message);
  });

  it('allowedGlobals take part in the cache key', () => {
    const task = fromSource('(x) => x + provided');
    expect(captureError(task).problems[0]!.what).toBe('provided');
    expect(inlineTaskSpec(task, new Set(['provided'])).kind).toBe('inline');
    expect(captureError(task).problems[0]!.what).toBe('provided');
    const other = fromSource('(x) => x + provided');
    expect(inlineTaskSpec(other, new Set(['provided']))).toBe(inlineTaskSpec(task, new Set(['provided'])));
    expect(captureError(other, new Set(['unrelated'])).problems[0]!.what).toBe('provided');
  });

  it('the source cache is bounded (least recently used first out)', () => {
    const source = '(a) => a + 424242';
    const kept = '(a) => a + 434343';
    const first = inlineTaskSpec(fromSource(source));
    const keptFirst = inlineTaskSpec(fromSource(kept));
    for (let i = 0; i < 1_100; i++) {
      inlineTaskSpec(fromSource(`(a) => a + ${i} * 3`));
      if (i % 100 === 0) inlineTaskSpec(fromSource(kept)); // keeps it recently used
    }
    const again = inlineTaskSpec(fromSource(source));
    expect(again).not.toBe(first);
    expect(again).toEqual(first);
    expect(inlineTaskSpec(fromSource(kept))).toBe(keptFirst);
  });

  it('a function seen before is not analysed again: the same spec comes back', () => {
    // Its cost per call is the bench's business (go() round trips); a timed unit test would only
    // measure how busy the machine is. What makes it cheap is checked here: a cache hit by identity.
    const task = (a: number, b: number) => a * b;
    const first = inlineTaskSpec(task);
    for (let i = 0; i < 1_000; i++) expect(inlineTaskSpec(task)).toBe(first);
  });
});
