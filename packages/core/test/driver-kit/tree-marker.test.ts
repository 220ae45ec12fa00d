/** withTreeMarker: markers are added once, in order, and nested values keep every marker. */
import { describe, expect, it } from 'vitest';
import { TREE_VAR, withTreeMarker } from '../../src/driver-kit/tree-marker.js';

describe('withTreeMarker', () => {
  it('starts a value, appends to one, and never repeats a marker', () => {
    expect(TREE_VAR).toBe('ISOLANE_TREE');
    expect(withTreeMarker(undefined, 'a.b.1')).toBe('a.b.1');
    expect(withTreeMarker('', 'a.b.1')).toBe('a.b.1');
    expect(withTreeMarker('x.y.3', 'a.b.1')).toBe('x.y.3,a.b.1');
    expect(withTreeMarker('x.y.3,a.b.1', 'a.b.1')).toBe('x.y.3,a.b.1');
  });

  it('adds each marker of a nested value', () => {
    expect(withTreeMarker('x.y.3', 'x.y.3,a.b.1')).toBe('x.y.3,a.b.1');
    expect(withTreeMarker('q', 'x,,y')).toBe('q,x,y');
  });
});
