import { describe, expect, it } from 'vitest';
import { failureShapeProblem, isResultShape, resultShapeProblem } from '../../src/driver-kit/wire-shapes.js';

const failure = { kind: 'threw', name: 'Error', message: 'boom' };

describe('resultShapeProblem', () => {
  it('accepts both branches of a Result', () => {
    expect(resultShapeProblem({ ok: true, value: undefined, ms: 0 })).toBeUndefined();
    expect(resultShapeProblem({ ok: false, error: failure, ms: 1.5 })).toBeUndefined();
    expect(isResultShape({ ok: true, value: null, ms: 2 })).toBe(true);
  });

  it.each([
    [null, 'a result that is null'],
    [42, 'a result that is number 42'],
    [[], 'a result that is an array'],
    [{ ok: true, ms: 0 }, 'a result without a value'],
    [{ ok: 'yes', value: 1, ms: 0 }, 'a result whose ok is "yes"'],
    [{ ok: true, value: 1, ms: -1 }, 'a result whose ms is number -1'],
    [{ ok: true, value: 1, ms: Number.NaN }, 'a result whose ms is number NaN'],
    [{ ok: false, error: null, ms: 0 }, 'a failure that is null'],
  ])('names what is wrong with %j', (value, problem) => {
    expect(resultShapeProblem(value)).toBe(problem);
    expect(isResultShape(value)).toBe(false);
  });
});

describe('failureShapeProblem', () => {
  it('accepts a failure with optional fields and a cause chain', () => {
    const full = { ...failure, code: 'E', stack: 's', exitCode: 1, signal: 'SIGKILL', cause: failure };
    expect(failureShapeProblem(full)).toBeUndefined();
  });

  it('refuses unknown kinds, wrong field types and an endless cause chain', () => {
    expect(failureShapeProblem({ ...failure, kind: 'exploded' })).toBe(
      'a failure of unknown kind "exploded"',
    );
    expect(failureShapeProblem({ ...failure, message: 1 })).toBe(
      'a failure without a string name and message',
    );
    expect(failureShapeProblem({ ...failure, code: {} })).toBe('a failure whose code is an object');
    const cyclic: Record<string, unknown> = { ...failure };
    cyclic.cause = cyclic;
    expect(failureShapeProblem(cyclic)).toMatch(/cause chain is deeper than/);
  });
});
