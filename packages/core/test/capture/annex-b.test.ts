import { describe, expect, it } from 'vitest';
import { inlineTaskSpec } from '../../src/capture/inline-task.js';
import { isCaptureError } from '../../src/errors.js';

function fromSource(source: string): Function {
  return new Function(`return (${source});`)() as Function;
}

function rebuilt(source: string): Function {
  const spec = inlineTaskSpec(fromSource(source));
  if (spec.kind !== 'inline') throw new Error('expected an inline spec');
  return new Function(`return (${spec.source});`)() as Function;
}

function capturedNames(source: string): string[] {
  try {
    inlineTaskSpec(fromSource(source));
  } catch (err) {
    if (isCaptureError(err)) return err.problems.map((p) => p.what);
    throw err;
  }
  return [];
}

describe('sloppy-mode block functions (Annex B.3.3)', () => {
  it('a block function is also a var of its function: legal, not a capture', () => {
    expect(rebuilt('function f() { { function g() { return 7; } } return g(); }')()).toBe(7);
    expect(rebuilt('() => { if (true) { function g() { return 8; } } return g(); }')()).toBe(8);
    expect(rebuilt('() => { switch (1) { case 1: function g() { return 9; } } return g(); }')()).toBe(9);
    expect(rebuilt('() => { { { function g() { return 10; } } } return g(); }')()).toBe(10);
  });

  it('is visible from nested functions of the same function', () => {
    expect(rebuilt('() => { { function g() { return 3; } } const h = () => g(); return h(); }')()).toBe(3);
  });

  it('strict code has no such binding: the name is a capture', () => {
    expect(capturedNames("function f() { 'use strict'; { function g() {} } return g(); }")).toEqual(['g']);
    expect(capturedNames('() => { class C { m() { { function g() {} } return g(); } } return C; }')).toEqual([
      'g',
    ]);
  });

  it('async and generator block functions are never hoisted', () => {
    expect(capturedNames('() => { { async function g() {} } return g; }')).toEqual(['g']);
    expect(capturedNames('() => { { function* g() {} } return g; }')).toEqual(['g']);
  });

  it('a let of the same name between block and function blocks the hoisting (the let is used)', () => {
    expect(rebuilt('() => { let g = 1; { function g() {} } return g; }')()).toBe(1);
    expect(capturedNames('() => { { let g = 1; { function g() {} } } return g; }')).toEqual(['g']);
  });
});
