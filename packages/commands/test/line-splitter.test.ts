import { describe, expect, it } from 'vitest';
import { LineSplitter } from '../src/line-splitter.js';

describe('LineSplitter', () => {
  it('splits across chunks, strips CR, keeps empty lines, ends with the unterminated rest', () => {
    const split = new LineSplitter();
    expect(split.push(Buffer.from('a\r\nb'))).toEqual(['a']);
    expect(split.push(Buffer.from('c\n\nd'))).toEqual(['bc', '']);
    expect(split.end()).toEqual(['d']);
    expect(split.end()).toEqual([]);
  });

  it('decodes a multi-byte character split between chunks', () => {
    const bytes = Buffer.from('€\n');
    const split = new LineSplitter();
    expect(split.push(bytes.subarray(0, 1))).toEqual([]);
    expect(split.push(bytes.subarray(1))).toEqual(['€']);
  });

  it('delivers an endless line in pieces of the maximum size', () => {
    const split = new LineSplitter(4);
    expect(split.push(Buffer.from('abcdefghij'))).toEqual(['abcd', 'efgh']);
    expect(split.end()).toEqual(['ij']);
  });
});
