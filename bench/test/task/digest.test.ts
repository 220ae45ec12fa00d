import { describe, expect, it } from 'vitest';
import { digestOutcome } from '../../dist/task/digest.js';

const ok = (value: unknown) => digestOutcome({ ok: true, value });

describe('digestOutcome', () => {
  it('gives a value and its structured clone the same digest', () => {
    // V8 keeps this 2 as a double (the field held 0.5 first); a clone makes it an integer.
    const held = { n: 0.5 };
    held.n = 2;
    expect(ok(held)).toBe(ok(structuredClone(held)));
    const nested = {
      rows: [{ kind: 'a', cents: -24_889_013 }],
      when: new Date(0),
      bytes: new Uint8Array([1, 2]),
    };
    expect(ok(nested)).toBe(ok(structuredClone(nested)));
  });

  it('tells different values apart, and failures by kind', () => {
    expect(ok({ n: 2 })).not.toBe(ok({ n: 3 }));
    expect(ok('id-1')).not.toBe(ok('id-2'));
    expect(ok('x')).toMatch(/^[0-9a-f]{12}$/);
    expect(
      digestOutcome({ ok: false, failure: { kind: 'timeout', name: 'TimeoutError', message: 'late' } }),
    ).toBe('failed:timeout');
  });

  it('still fingerprints a value that cannot be cloned (a function, under the serial run)', () => {
    expect(ok(() => 1)).toMatch(/^[0-9a-f]{12}$/);
  });
});
