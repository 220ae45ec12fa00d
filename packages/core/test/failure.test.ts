import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { failureToError, isTaskFailure, MAX_CAUSE_DEPTH, makeFailure, toFailure } from '../src/failure.js';

class QuotaError extends Error {
  code = 'E_QUOTA';
}

describe('toFailure', () => {
  it('keeps name, message, code, stack and the cause chain of an Error', () => {
    const err = new QuotaError('over quota', { cause: new TypeError('root') });
    const f = toFailure(err);
    expect(f).toMatchObject({ kind: 'threw', name: 'QuotaError', message: 'over quota', code: 'E_QUOTA' });
    expect(f.stack).toContain('over quota');
    expect(f.cause).toMatchObject({ kind: 'threw', name: 'TypeError', message: 'root' });
  });

  it('turns non-Error throws into readable failures', () => {
    expect(toFailure('x')).toEqual({ kind: 'threw', name: 'NonError', message: 'x' });
    expect(toFailure(42).message).toBe('42 was thrown');
    expect(toFailure({ a: 1 }).message).toBe('non-Error thrown: {"a":1}');
    expect(toFailure(undefined).message).toBe('undefined was thrown');
    expect(toFailure(null).message).toBe('null was thrown');
    expect(toFailure(10n).message).toBe('10n was thrown');
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(toFailure(cyclic).message).toBe('non-Error thrown: [object Object]');
  });

  it('bounds a cause chain, even a cyclic one', () => {
    const a = new Error('a');
    const b = new Error('b', { cause: a });
    (a as { cause?: unknown }).cause = b;
    let f = toFailure(a);
    let depth = 0;
    while (f.cause) {
      f = f.cause;
      depth++;
    }
    expect(depth).toBe(MAX_CAUSE_DEPTH);
  });

  it('recognises errors from another realm', () => {
    const foreign = runInNewContext('new RangeError("elsewhere")') as unknown;
    expect(foreign instanceof Error).toBe(false);
    expect(toFailure(foreign)).toMatchObject({ name: 'RangeError', message: 'elsewhere' });
  });

  it('re-labels an existing failure with the new kind', () => {
    expect(toFailure(makeFailure('threw', 'x'), 'bootstrap').kind).toBe('bootstrap');
  });

  it('is plain data: JSON and structured clone keep it whole', () => {
    const f = toFailure(new QuotaError('q', { cause: 'why' }));
    expect(JSON.parse(JSON.stringify(f))).toEqual(f);
    expect(structuredClone(f)).toEqual(f);
    expect(isTaskFailure(JSON.parse(JSON.stringify(f)))).toBe(true);
  });
});

describe('isTaskFailure / failureToError / makeFailure', () => {
  it('checks the shape, not the class', () => {
    expect(isTaskFailure({ kind: 'timeout', name: 'TimeoutError', message: 'm' })).toBe(true);
    expect(isTaskFailure({ kind: 'nope', name: 'x', message: 'm' })).toBe(false);
    expect(isTaskFailure(new Error('x'))).toBe(false);
    expect(isTaskFailure(null)).toBe(false);
  });

  it('rebuilds an Error with the failure attached', () => {
    const failure = makeFailure('crashed', 'worker died', {
      exitCode: 3,
      code: 'E_X',
      cause: makeFailure('threw', 'c'),
    });
    const err = failureToError(failure);
    expect(err).toBeInstanceOf(Error);
    expect(err.name).toBe('CrashError');
    expect(err.message).toBe('worker died');
    expect((err as Error & { code?: string }).code).toBe('E_X');
    expect(err.failure).toBe(failure);
    expect((err.cause as Error).message).toBe('c');
  });

  it('gives every kind a default name', () => {
    expect(makeFailure('timeout', 'm').name).toBe('TimeoutError');
    expect(makeFailure('oom', 'm').name).toBe('OutOfMemoryError');
    expect(makeFailure('aborted', 'm').name).toBe('AbortError');
    expect(makeFailure('bootstrap', 'm').name).toBe('BootstrapError');
    expect(makeFailure('unserializable', 'm').name).toBe('DataCloneError');
  });
});

describe('toFailure and isTaskFailure never throw', () => {
  it('encode a thrown value whose inspection throws', () => {
    const revocable = Proxy.revocable({}, {});
    revocable.revoke();
    const throwing = new Proxy(
      {},
      new Proxy(
        {},
        {
          get: () => () => {
            throw new Error('trap');
          },
        },
      ),
    );
    const badGetters = new Error('kept');
    for (const key of ['stack', 'name', 'code', 'cause']) {
      Object.defineProperty(badGetters, key, {
        get() {
          throw new Error(key);
        },
      });
    }
    const badToString = Object.assign(() => 1, {
      toString() {
        throw new Error('fn');
      },
    });
    for (const thrown of [revocable.proxy, throwing, Object.create(null), badToString]) {
      expect(() => toFailure(thrown)).not.toThrow();
      expect(toFailure(thrown)).toMatchObject({ kind: 'threw', name: 'NonError' });
      expect(isTaskFailure(thrown)).toBe(false);
    }
    expect(toFailure(badGetters)).toMatchObject({ kind: 'threw', name: 'Error', message: 'kept' });
  });
});
