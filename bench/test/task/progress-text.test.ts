import { describe, expect, it } from 'vitest';
import { progressText } from '../../src/task/progress-text.js';

describe('progressText', () => {
  it('reads fractions, so-far/of-how-many pairs and words', () => {
    expect(progressText(0.25)).toBe('25%');
    expect(progressText({ done: 3, total: 10 })).toBe('3/10');
    expect(progressText({ step: 2, of: 5 })).toBe('2/5');
    expect(progressText('resizing')).toBe('resizing');
    expect(progressText(42)).toBe('42');
  });

  it('keeps anything else short', () => {
    expect(progressText({ phase: 'x'.repeat(100) })).toHaveLength(40);
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(progressText(cyclic)).toBe('[object Object]');
  });
});
