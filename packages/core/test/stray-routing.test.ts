import { afterEach, describe, expect, it, vi } from 'vitest';
import { makeFailure } from '../src/failure.js';
import { reportStray } from '../src/stray-routing.js';

const failure = makeFailure('threw', 'a timer threw');
const stderrText = (spy: { mock: { calls: unknown[][] } }) =>
  spy.mock.calls.map((c) => String(c[0])).join('');

afterEach(() => vi.restoreAllMocks());

describe('reportStray', () => {
  it('hands the failure and its slot to the handler, printing nothing', () => {
    const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    const seen: [string, number][] = [];
    reportStray((f, slot) => seen.push([f.message, slot]), failure, 3);
    expect(seen).toEqual([['a timer threw', 3]]);
    expect(stderr).not.toHaveBeenCalled();
  });

  it('prints to stderr without a handler, naming the slot and the kind', () => {
    const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    reportStray(undefined, failure, 2);
    expect(stderrText(stderr)).toMatch(
      /isolane: slot 2 failed after it settled \(threw\): Error: a timer threw/,
    );
  });

  it('prints both the failure and the handler’s own error when the handler throws', () => {
    const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    reportStray(
      () => {
        throw new Error('handler broke');
      },
      failure,
      0,
    );
    const text = stderrText(stderr);
    expect(text).toMatch(/the onError handler threw: Error: handler broke/);
    expect(text).toMatch(/slot 0 failed after it settled/);
  });
});
