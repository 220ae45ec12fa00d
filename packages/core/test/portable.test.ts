import { EventEmitter } from 'node:events';
import { Socket } from 'node:net';
import { Readable } from 'node:stream';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { type CaptureError, isCaptureError } from '../src/errors.js';
import { assertPortableArgs, findUnportable } from '../src/portable.js';
import { transfer } from '../src/transfer.js';

const paths = (value: unknown, path = 'args[0]') => findUnportable(value, path).map((p) => p.what);
const hintAt = (value: unknown, what: string) =>
  findUnportable(value, 'args[0]').find((p) => p.what === what)?.hint;

function captureError(args: unknown[]): CaptureError {
  try {
    assertPortableArgs(args);
  } catch (err) {
    expect(isCaptureError(err), String(err)).toBe(true);
    return err as CaptureError;
  }
  throw new Error('expected a CaptureError');
}

describe('findUnportable: portable values', () => {
  it.each([0, -1.5, NaN, 'text', '', true, false, null, undefined, 10n])('primitive %s', (value) => {
    expect(findUnportable(value, 'args[0]')).toEqual([]);
  });

  it('plain objects, arrays, null-prototype objects and nesting', () => {
    const bare = Object.create(null) as Record<string, unknown>;
    bare.x = [1, { y: 'z' }];
    expect(
      paths({ a: 1, b: [1, 'two', { c: null, d: undefined }], e: bare, f: [[[]]], g: Array(3) }),
    ).toEqual([]);
  });

  it('every built-in that structured clone preserves', () => {
    const value = {
      date: new Date(0),
      re: /x+/gi,
      map: new Map<unknown, unknown>([
        ['k', { v: [1] }],
        [{ objKey: true }, new Set([1])],
      ]),
      set: new Set(['a', { b: 1 }]),
      wrappers: [new Boolean(false), new Number(1), new String('s'), Object(1n)],
      buffers: [new ArrayBuffer(8), new SharedArrayBuffer(8), new DataView(new ArrayBuffer(4))],
      typed: [
        new Int8Array(1),
        new Uint8Array(1),
        new Uint8ClampedArray(1),
        new Int16Array(1),
        new Uint16Array(1),
        new Int32Array(1),
        new Uint32Array(1),
        new Float32Array(1),
        new Float64Array(1),
        new BigInt64Array(1),
        new BigUint64Array(1),
      ],
      errors: [
        new Error('e'),
        new EvalError('e'),
        new RangeError('e'),
        new ReferenceError('e'),
        new SyntaxError('e'),
        new TypeError('e'),
        new URIError('e'),
        new Error('with cause', { cause: { code: 'E_X' } }),
      ],
    };
    expect(paths(value)).toEqual([]);
  });

  it('cycles are portable and walked once', () => {
    const a: Record<string, unknown> = { name: 'a' };
    const b = { a, list: [a] };
    a.b = b;
    a.self = a;
    expect(paths(a)).toEqual([]);
    const m = new Map<string, unknown>();
    m.set('me', m);
    expect(paths(m)).toEqual([]);
  });

  it('a cycle containing a function reports it once', () => {
    const a: Record<string, unknown> = { cb: () => 1 };
    a.again = a;
    expect(paths(a)).toEqual(['args[0].cb']);
  });

  it('built-ins from another realm (vm context) are recognised', () => {
    const foreign = runInNewContext(
      '({ a: [1, { b: new Map([[1, new Set([2])]]) }], d: new Date(0), e: new RangeError("x"), u: new Uint8Array(2), n: Object.create(null) })',
    ) as unknown;
    expect(paths(foreign)).toEqual([]);
    expect(paths(runInNewContext('({ f() {} })'))).toEqual(['args[0].f']);
    expect(paths(runInNewContext('class Foreign {}; ({ x: new Foreign() })'))).toEqual(['args[0].x']);
  });

  it('a transfer() wrapper is checked through to its value', () => {
    expect(paths(transfer(new Uint8Array(4)))).toEqual([]);
    expect(paths(transfer(Buffer.alloc(4)))).toEqual([]);
  });
});

describe('Node Buffers are portable (the receiver rebuilds them)', () => {
  it('a Buffer at any depth is no problem, and the walk says it saw one', () => {
    const found = { buffers: false };
    expect(findUnportable({ b: Buffer.from('abc'), u: new Uint8Array(3) }, 'args[0]', found)).toEqual([]);
    expect(found.buffers).toBe(true);
    const none = { buffers: false };
    expect(findUnportable({ u: new Uint8Array(3), list: [1, 'x'] }, 'args[0]', none)).toEqual([]);
    expect(none.buffers).toBe(false);
  });

  it('assertPortableArgs returns whether a Buffer is among the arguments', () => {
    expect(assertPortableArgs([1, { u: new Uint8Array(2) }])).toBe(false);
    expect(assertPortableArgs([1, new Map([['k', Buffer.from('v')]])])).toBe(true);
  });
});

describe('findUnportable: what structured clone rejects or changes', () => {
  it('functions, at any depth, with their paths', () => {
    expect(paths(() => 1)).toEqual(['args[0]']);
    expect(paths({ cb: () => 1, nested: { deeper: [0, function named() {}] } }, 'args[1]')).toEqual([
      'args[1].cb',
      'args[1].nested.deeper[1]',
    ]);
    expect(hintAt({ cb() {} }, 'args[0].cb')).toContain('functions cannot cross an isolation boundary');
    expect(hintAt({ cb() {} }, 'args[0].cb')).toContain('module task');
  });

  it('non-identifier keys are quoted in paths', () => {
    expect(paths({ 'a-b': [() => 1], 3: () => 2, $ok: { _x: () => 3 } })).toEqual([
      'args[0]["3"]',
      'args[0]["a-b"][0]',
      'args[0].$ok._x',
    ]);
  });

  it('symbols as values and symbol-keyed properties (dropped silently by clone)', () => {
    const key = Symbol('meta');
    expect(paths({ s: Symbol('x'), [key]: 1 })).toEqual(['args[0].s', 'args[0][Symbol(meta)]']);
    expect(hintAt({ s: Symbol('x') }, 'args[0].s')).toContain('symbols cannot be cloned');
    expect(hintAt({ [key]: 1 }, 'args[0][Symbol(meta)]')).toContain('dropped silently');
    expect(paths(Symbol('top'))).toEqual(['args[0]']);
    expect(paths([Object(Symbol('boxed'))])).toEqual(['args[0][0]']);
  });

  it.each([
    ['WeakMap', new WeakMap(), 'weak collections'],
    ['WeakSet', new WeakSet(), 'weak collections'],
    ['WeakRef', new WeakRef({}), 'WeakRef'],
    ['FinalizationRegistry', new FinalizationRegistry(() => {}), 'FinalizationRegistry'],
    ['Promise', Promise.resolve(1), 'await it first'],
  ])('%s', (_name, value, hint) => {
    expect(paths({ v: value })).toEqual(['args[0].v']);
    expect(hintAt({ v: value }, 'args[0].v')).toContain(hint);
  });

  it('class instances whose prototype would be lost', () => {
    class Database {
      constructor(readonly file: string) {}
      query() {
        return this.file;
      }
    }
    expect(paths({ db: new Database('app.db') })).toEqual(['args[0].db']);
    const hint = hintAt({ db: new Database('app.db') }, 'args[0].db')!;
    expect(hint).toContain('class instance of Database');
    expect(hint).toContain('prototype would be lost');
    expect(hint).toContain('pass the recipe');
    expect(hintAt({ x: new (class {})() }, 'args[0].x')).toContain('class instance of an anonymous class');
    expect(paths({ x: new (class extends Array {})(), y: new (class extends Map {})() })).toEqual([
      'args[0].x',
      'args[0].y',
    ]);
    expect(paths({ t: new (class extends Uint8Array {})(2) })).toEqual(['args[0].t']);
    expect(paths(new DOMException('x'))).toEqual(['args[0]']);
  });

  it('Map keys and values, Set entries', () => {
    const objKey = { k: 1 };
    const m = new Map<unknown, unknown>([
      ['fn', () => 1],
      [2, { deep: Symbol('s') }],
      [objKey, new WeakSet()],
      [() => 0, 'value'],
    ]);
    // Breadth-first: direct problems of the map first, then those found inside its entries.
    expect(paths(m)).toEqual([
      'args[0].get("fn")',
      'args[0].keys()[3]',
      'args[0].get(2).deep',
      'args[0].get(<key #2>)',
    ]);
    expect(paths(new Set([1, () => 2, Promise.resolve()]))).toEqual([
      'args[0].values()[1]',
      'args[0].values()[2]',
    ]);
  });

  it('Errors: custom subclasses, AggregateError, dropped own properties, causes', () => {
    class HttpError extends Error {}
    expect(paths(new HttpError('x'))).toEqual(['args[0]']);
    expect(hintAt(new HttpError('x'), 'args[0]')).toContain(
      'HttpError (an Error subclass) arrives as a plain Error',
    );
    expect(paths(new AggregateError([new Error('a')], 'm'))).toEqual(['args[0]']);
    const coded = Object.assign(new Error('x'), { code: 'ENOENT' });
    expect(paths(coded)).toEqual(['args[0].code']);
    expect(hintAt(coded, 'args[0].code')).toContain('would be dropped');
    const named = new Error('x');
    named.name = 'MyError';
    expect(paths(named)).toEqual(['args[0].name']);
    expect(paths(new Error('x', { cause: { retry: () => 1 } }))).toEqual(['args[0].cause.retry']);
  });

  it('Blob and File (rejected by the fork driver serializer)', () => {
    expect(paths({ b: new Blob(['x']), f: new File(['x'], 'a.txt') })).toEqual(['args[0].b', 'args[0].f']);
    expect(hintAt({ b: new Blob(['x']) }, 'args[0].b')).toContain('arrayBuffer()');
  });

  it('host objects: streams, sockets, event emitters', () => {
    const socket = new Socket();
    try {
      expect(paths({ s: Readable.from([]), n: socket, e: new EventEmitter() })).toEqual([
        'args[0].s',
        'args[0].n',
        'args[0].e',
      ]);
      expect(hintAt({ s: Readable.from([]) }, 'args[0].s')).toContain('live resource');
      expect(hintAt({ e: new EventEmitter() }, 'args[0].e')).toContain('pass the recipe');
    } finally {
      socket.destroy();
    }
  });

  it('a getter that throws is reported, not thrown', () => {
    const value = {
      get bad(): number {
        throw new Error('boom');
      },
    };
    const problems = findUnportable(value, 'args[0]');
    expect(problems).toEqual([{ what: 'args[0]', where: 'args[0]', hint: expect.stringContaining('boom') }]);
  });

  it('every problem carries what, where and a hint', () => {
    for (const problem of findUnportable({ a: () => 1, b: new WeakMap(), c: Symbol('x') }, 'args[2]')) {
      expect(problem.what).toMatch(/^args\[2\]\./);
      expect(problem.where).toBe(problem.what);
      expect(problem.hint.length).toBeGreaterThan(20);
    }
  });

  it('stops after 20 problems', () => {
    const many = Array.from({ length: 1_000 }, () => () => 1);
    expect(findUnportable(many, 'args[0]')).toHaveLength(20);
    expect(findUnportable(many, 'args[0]')[19]!.what).toBe('args[0][19]');
  });
});

describe('findUnportable: depth, size and speed', () => {
  it('32-deep nesting reports the full path', () => {
    let value: unknown = { fn: () => 1 };
    for (let i = 0; i < 32; i++) value = { n: value };
    expect(paths(value)).toEqual([`args[0]${'.n'.repeat(32)}.fn`]);
  });

  it('100,000-deep nesting neither overflows the stack nor misses anything', () => {
    let value: unknown = [() => 1];
    for (let i = 0; i < 100_000; i++) value = [value];
    const problems = findUnportable(value, 'x');
    expect(problems).toHaveLength(1);
    expect(problems[0]!.what.endsWith('[0][0]')).toBe(true);
  });

  // Speed is judged against the snapshot copy (structuredClone) that every go() makes anyway, measured
  // in the same run and interleaved with the check: a ratio holds on a busy machine, a fixed number of
  // milliseconds does not. Each side counts its fastest block: a block the scheduler interrupted says
  // nothing about the code. (Absolute per-call costs are the bench's business.)
  const elapsed = (work: () => void): number => {
    const start = performance.now();
    work();
    return performance.now() - start;
  };

  it('big arrays and big binary data cost less to check than to copy once', () => {
    const numbers = new Array<number>(1_000_000).fill(1);
    const bytes = new Uint8Array(64 * 1024 * 1024);
    expect(findUnportable(numbers, 'args[0]')).toEqual([]);
    let checkArray = Infinity;
    let copyArray = Infinity;
    for (let round = 0; round < 3; round++) {
      checkArray = Math.min(
        checkArray,
        elapsed(() => findUnportable(numbers, 'args[0]')),
      );
      copyArray = Math.min(
        copyArray,
        elapsed(() => structuredClone(numbers)),
      );
    }
    expect(checkArray).toBeLessThan(copyArray);
    // A thousand checks of 64 MiB of binary data must not look at its bytes: cheaper than one copy.
    const checkBytes = elapsed(() => {
      for (let i = 0; i < 1_000; i++) findUnportable({ bytes, buffer: bytes.buffer }, 'args[0]');
    });
    expect(checkBytes).toBeLessThan(elapsed(() => structuredClone(bytes)));
  });

  it('100k small plain objects cost less to check than to copy', () => {
    const arg = { id: 1, name: 'x', tags: ['a', 'b'], nested: { ok: true, at: new Date(0) } };
    let check = Infinity;
    let copy = Infinity;
    for (let block = 0; block < 5; block++) {
      check = Math.min(
        check,
        elapsed(() => {
          for (let i = 0; i < 20_000; i++) assertPortableArgs([arg, i, 'text']);
        }),
      );
      copy = Math.min(
        copy,
        elapsed(() => {
          for (let i = 0; i < 20_000; i++) structuredClone([arg, i, 'text']);
        }),
      );
    }
    expect(check).toBeLessThan(copy);
  });
});

describe('assertPortableArgs', () => {
  it('passes portable arguments, primitives on the fast path', () => {
    expect(() => assertPortableArgs([])).not.toThrow();
    expect(() =>
      assertPortableArgs([1, 'a', null, undefined, 2n, true, { ok: [1] }, new Map()]),
    ).not.toThrow();
  });

  it('throws one CaptureError naming every non-portable path', () => {
    class Database {}
    const err = captureError([1, { cb: () => 1 }, new Database(), [Symbol('s')], new WeakMap()]);
    expect(err.problems.map((p) => p.what)).toEqual(['args[1].cb', 'args[2]', 'args[3][0]', 'args[4]']);
    for (const p of err.problems) expect(err.message).toContain(`${p.what}: ${p.hint}`);
    expect(err.message).toMatch(/^4 argument values cannot cross an isolation boundary/);
  });

  it('a single function argument', () => {
    const err = captureError([() => 1]);
    expect(err.problems).toEqual([
      { what: 'args[0]', where: 'args[0]', hint: expect.stringContaining('functions') },
    ]);
    expect(err.message).toMatch(/^an argument cannot cross/);
  });
});

describe('findUnportable: sparse arrays and proxies cost what clone costs', () => {
  it('finds the one element of a 2^32-1-long sparse array without reading every hole', () => {
    const a: unknown[] = [];
    a.length = 2 ** 32 - 1;
    a[2 ** 32 - 2] = () => 1;
    // A walk to `length` takes minutes; the test's time limit bounds it.
    expect(findUnportable(a, 'args[0]').map((p) => p.what)).toEqual([`args[0][${2 ** 32 - 2}]`]);
    const b: unknown[] = [];
    b[2 ** 26] = { ok: true };
    expect(() => assertPortableArgs([b])).not.toThrow();
  });

  it('reports a Proxy as not clonable without running its traps', () => {
    let trapped = 0;
    const proxy = new Proxy([], {
      get(target, key) {
        trapped++;
        return key === 'length' ? 2 ** 32 - 1 : Reflect.get(target, key);
      },
      getPrototypeOf() {
        trapped++;
        return Array.prototype;
      },
    });
    expect(findUnportable({ proxy }, 'args[0]')).toMatchObject([{ what: 'args[0].proxy', hint: /Proxy/ }]);
    expect(trapped).toBe(0);
    expect(() => structuredClone(proxy)).toThrow();
  });
});
