import { describe, expect, it } from 'vitest';
import { BoundedCapture, truncationMarker } from '../src/bounded-capture.js';

describe('BoundedCapture', () => {
  it('keeps everything under the limit and strips one final newline', () => {
    const capture = new BoundedCapture(100);
    capture.push(Buffer.from('a\n'));
    capture.push(Buffer.from('b\n\n'));
    expect(capture.text()).toBe('a\nb\n');
    expect(capture).toMatchObject({ bytes: 5, truncated: false });
  });

  it('cuts at the limit (never inside a UTF-8 character) and appends the marker', () => {
    const capture = new BoundedCapture(5);
    capture.push(Buffer.from('ab€cd')); // € is 3 bytes: 2 + 3 = 5 fit exactly
    capture.push(Buffer.from('xyz'));
    expect(capture.text()).toBe(`ab€\n${truncationMarker(5, 5)}`);
    const split = new BoundedCapture(4);
    split.push(Buffer.from('ab€')); // the cut at 4 would split €: back off to 2
    expect(split.text()).toBe(`ab\n${truncationMarker(3, 4)}`);
    expect(split).toMatchObject({ bytes: 5, truncated: true });
  });
});
