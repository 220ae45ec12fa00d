import { describe, expect, it } from 'vitest';
import { inlineTaskSpec } from '../../src/capture/inline-task.js';
import { type CaptureError, isCaptureError } from '../../src/errors.js';

// Built from source text: Vitest's transform of this file must not change what is analysed.
function fromSource(source: string): Function {
  return new Function(`return (${source});`)() as Function;
}

function captureError(source: string, allowed?: ReadonlySet<string>): CaptureError {
  try {
    inlineTaskSpec(fromSource(source), allowed);
  } catch (err) {
    expect(isCaptureError(err), String(err)).toBe(true);
    return err as CaptureError;
  }
  throw new Error(`expected a CaptureError for ${source}`);
}

function accepted(source: string, allowed?: ReadonlySet<string>): Function {
  const spec = inlineTaskSpec(fromSource(source), allowed);
  if (spec.kind !== 'inline') throw new Error('expected an inline spec');
  return new Function(`return (${spec.source});`)() as Function;
}

describe('capture rules: reads of the host through the global object', () => {
  it.each([
    ['() => globalThis.secret', 'globalThis.secret', '1:7'],
    ['() => global.secret', 'global.secret', '1:7'],
    ["() => globalThis['secret']", 'globalThis.secret', '1:7'],
    ['() => globalThis?.secret', 'globalThis.secret', '1:7'],
    ['() => globalThis.global.secret', 'globalThis.global.secret', '1:7'],
    ['() => { const { secret, Math: M } = globalThis; return [secret, M]; }', 'globalThis.secret', '1:17'],
  ])('%s names the global it reads', (source, what, where) => {
    const err = captureError(source);
    expect(err.problems).toEqual([{ what, where, hint: expect.stringContaining("globals: ['") }]);
    expect(err.message).toContain("reads the host's globals through the global object");
    expect(err.message).toContain('cooperative');
  });

  it.each([
    ["() => globalThis['a' + 'b']", 'globalThis[…]'],
    ['(k) => global[k]', 'global[…]'],
    ["() => Reflect.get(globalThis, 'secret')", 'globalThis'],
    ['() => Object.keys(global)', 'global'],
    ['() => { const g = globalThis; return g.secret; }', 'globalThis'],
    ['() => { const { ...all } = globalThis; return all; }', '{ ...rest } = globalThis'],
    ['(k) => k in globalThis', '`… in globalThis`'],
  ])('%s: the global object escapes the check', (source, what) => {
    const err = captureError(source);
    expect(err.problems[0]!.what).toBe(what);
    expect(err.problems[0]!.hint).toContain('cannot be checked');
  });

  it('a task with captures and global reads names both, in source order', () => {
    const err = captureError('(x) => x + limit + globalThis.secret');
    expect(err.problems.map((p) => p.what)).toEqual(['limit', 'globalThis.secret']);
    expect(err.message).toMatch(
      /^inline task uses things from outside itself, reads the host's globals through the global object \(`limit`, `globalThis\.secret`\)/,
    );
  });

  it('a global the task itself assigns through the global object is its own state, and may be read back', () => {
    const counter = accepted(
      '() => { globalThis.seen = (globalThis.seen ?? 0) + 1; return globalThis.seen; }',
    );
    const g = globalThis as { seen?: number };
    const before = g.seen;
    try {
      expect(counter()).toBe((before ?? 0) + 1);
    } finally {
      if (before === undefined) delete g.seen;
      else g.seen = before;
    }
    expect(accepted('() => (globalThis.cache ??= new Map()).size')).toBeTypeOf('function');
    expect(accepted('() => { global.n++; return global.n; }')).toBeTypeOf('function');
    expect(accepted('() => { globalThis.leak = 1; }')).toBeTypeOf('function');
    // Assigning one global does not make another readable.
    expect(captureError('() => { globalThis.mine = 1; return globalThis.secret; }').problems).toEqual([
      { what: 'globalThis.secret', where: '1:37', hint: expect.any(String) },
    ]);
  });

  it('a global declared in `globals` may be read through the global object', () => {
    expect(accepted('() => globalThis.fromBoot', new Set(['fromBoot']))).toBeTypeOf('function');
    expect(captureError('() => globalThis.fromBoot', new Set(['other'])).problems[0]!.what).toBe(
      'globalThis.fromBoot',
    );
  });

  it('standard globals by name, typeof and `in` feature detection are fine', () => {
    expect(accepted('() => globalThis.Math.max(1, global.Number(2))')()).toBe(2);
    expect(accepted('() => typeof globalThis.Deno')()).toBe('undefined');
    expect(accepted("() => 'Deno' in globalThis")()).toBe(false);
    expect(accepted('() => typeof globalThis')()).toBe('object');
    expect(accepted('(globalThis) => globalThis.secret')({ secret: 1 })).toBe(1);
    expect(accepted('() => { const global = { x: 2 }; return global.x; }')()).toBe(2);
  });

  it('window and self are captures with a hint to use globalThis', () => {
    for (const name of ['window', 'self']) {
      const err = captureError(`() => ${name}.secret`);
      expect(err.problems[0]).toMatchObject({ what: name, where: '1:7' });
      expect(err.problems[0]!.hint).toContain('global object');
    }
    expect(accepted("() => typeof window === 'undefined'")()).toBe(true);
  });
});

describe('capture rules: code built from strings', () => {
  it.each([
    ["() => eval('secret')", 'eval', '1:7'],
    ["() => (0, eval)('secret')", 'eval', '1:11'],
    ["() => globalThis.eval('secret')", 'globalThis.eval', '1:7'],
    ["() => new Function('return secret')()", 'Function', '1:11'],
    ["() => Function('return secret')()", 'Function', '1:7'],
    ["() => Function.call(null, 'return secret')()", 'Function', '1:7'],
    ["() => Reflect.construct(Function, ['return 1'])", 'Function', '1:25'],
    ["() => Function.prototype.constructor('return 1')", 'Function', '1:7'],
    ["() => new globalThis.Function('return 1')", 'globalThis.Function', '1:11'],
    ["() => (async () => {}).constructor('return secret')", '(function literal).constructor', '1:7'],
    ["() => (function* () {}).constructor('yield 1')", '(function literal).constructor', '1:7'],
    [
      "() => Object.getPrototypeOf(async function () {}).constructor('return 1')",
      'Object.getPrototypeOf(function).constructor',
      '1:7',
    ],
    ["() => { async function h() {} return h.constructor('return 1'); }", 'h.constructor', '1:38'],
    ["() => { const h = async () => {}; return new h.constructor('x'); }", 'h.constructor', '1:46'],
    ["(x) => x.constructor.constructor('return this')()", '….constructor.constructor', '1:8'],
  ])('%s', (source, what, where) => {
    const err = captureError(source);
    expect(err.problems).toEqual([
      { what, where, hint: expect.stringContaining('module task (defineTask)') },
    ]);
  });

  it('legitimate uses of Function and of a function’s constructor stay allowed', () => {
    expect(accepted('(f) => f instanceof Function')(() => 1)).toBe(true);
    expect(accepted('(f) => Function.prototype.toString.call(f)')(() => 1)).toBe('() => 1');
    expect(accepted('() => typeof Function + typeof eval')()).toBe('functionfunction');
    expect(accepted('() => (async () => {}).constructor.name')()).toBe('AsyncFunction');
    expect(
      accepted('(f) => f.constructor === Object.getPrototypeOf(async () => {}).constructor')(async () => 1),
    ).toBe(true);
    expect(accepted('(o) => o.constructor.name')({})).toBe('Object');
    expect(accepted('() => { const eval2 = (s) => s; return eval2("x"); }')()).toBe('x');
    expect(accepted('(eval) => eval(2)')((n: number) => n * 2)).toBe(4);
  });
});

describe('capture rules: relative dynamic import()', () => {
  it.each([
    ["async () => import('./index.js')", "import('./index.js')"],
    ["async () => import('../lib/x.js')", "import('../lib/x.js')"],
    // biome-ignore lint/suspicious/noTemplateCurlyInString: the task's source text holds a template literal
    ['async (n) => import(`./${n}.js`)', "import('./…')"],
    ["async (n) => import('./' + n)", "import('./…')"],
    ["async () => import('.')", "import('.')"],
  ])('%s', (source, what) => {
    const err = captureError(source);
    expect(err.problems[0]!.what).toBe(what);
    expect(err.problems[0]!.hint).toContain("new URL('./x.js', import.meta.url).href");
    expect(err.problems[0]!.hint).toContain('package specifier');
  });

  it('package, node: and absolute specifiers, and specifiers passed in, are fine', () => {
    for (const source of [
      "async () => import('node:path')",
      "async () => import('@isolane/core')",
      "async () => import('/abs/x.js')",
      "async () => import('file:///abs/x.js')",
      'async (url) => import(url)',
      "async () => import('.hidden-package')",
    ]) {
      expect(inlineTaskSpec(fromSource(source))).toEqual({ kind: 'inline', source });
    }
  });
});
