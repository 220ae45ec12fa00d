import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  setUnitProgressSink,
  UNIT_PROGRESS_INTERVAL_MS,
  unitProgress,
} from '../../src/child/unit-progress.js';

afterEach(() => {
  setUnitProgressSink(undefined);
  vi.useRealTimers();
});

describe('unitProgress', () => {
  it('does nothing without a sink', () => {
    expect(() => unitProgress('cold 1/3')).not.toThrow();
  });

  it('sends one report per interval at most, the first at once', () => {
    vi.useFakeTimers({ toFake: ['performance'] });
    const sent: string[] = [];
    setUnitProgressSink((text) => sent.push(text));
    unitProgress('cold 1/3');
    unitProgress('cold 2/3');
    expect(sent).toEqual(['cold 1/3']);
    vi.advanceTimersByTime(UNIT_PROGRESS_INTERVAL_MS);
    unitProgress('cold 3/3');
    unitProgress('warm round 1/30');
    expect(sent).toEqual(['cold 1/3', 'cold 3/3']);
  });

  it('a sink that throws (the parent is gone) does not fail the measure', () => {
    setUnitProgressSink(() => {
      throw new Error('channel closed');
    });
    expect(() => unitProgress('cold 1/3')).not.toThrow();
  });
});
