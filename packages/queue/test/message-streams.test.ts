// The wire of queue task messages (message-streams.ts): entries to frames (untrusted input: anything that
// is not a frame is a problem, never a throw), caller frames checked, stream ids compared and advanced,
// XREAD replies read under RESP2 and RESP3.
import { MESSAGE_WINDOW } from '@isolane/core';
import { describe, expect, it } from 'vitest';
import {
  callerFrameProblem,
  compareIds,
  entryFrame,
  frameText,
  nextId,
  readReply,
} from '../src/message-streams.js';

describe('entryFrame', () => {
  it('reads back what frameText wrote, snapshots included', () => {
    const frame = { t: 'msg', v: { at: new Date(5), big: 2n, list: [1, 'a', null] } };
    expect(entryFrame(['1-0', ['f', frameText(frame)]])).toEqual({ frame });
  });

  it.each([
    ['no fields', []],
    ['another field', ['x', frameText({ t: 'msg', v: 1 })]],
    ['extra fields', ['f', frameText({ t: 'msg', v: 1 }), 'g', '1']],
    ['a value that is no snapshot', ['f', 'bm90IGEgZnJhbWU=']],
  ])('%s is a problem, not a throw', (_label, fields) => {
    const read = entryFrame(['1-0', fields]);
    expect('problem' in read && typeof read.problem === 'string').toBe(true);
  });
});

describe('callerFrameProblem', () => {
  it('accepts messages and credits within the window, progress acknowledgements too', () => {
    expect(callerFrameProblem({ t: 'msg', v: undefined })).toBeUndefined();
    expect(callerFrameProblem({ t: 'credit', n: 1 })).toBeUndefined();
    expect(callerFrameProblem({ t: 'credit', n: MESSAGE_WINDOW })).toBeUndefined();
    expect(callerFrameProblem({ t: 'credit', n: 4, progress: true })).toBeUndefined();
  });

  it.each([
    [null],
    ['msg'],
    [{ t: 'msg' }],
    [{ t: 'credit', n: 0 }],
    [{ t: 'credit', n: MESSAGE_WINDOW + 1 }],
    [{ t: 'credit', n: 1.5 }],
    [{ t: 'credit', n: '16' }],
    [{ t: 'progress', v: 1 }],
  ])('refuses %j', (frame) => {
    expect(callerFrameProblem(frame)).toEqual(expect.any(String));
  });
});

describe('stream ids', () => {
  it('compare by time, then by sequence (numerically, not as text)', () => {
    expect(compareIds('5-1', '5-0')).toBeGreaterThan(0);
    expect(compareIds('10-0', '9-99')).toBeGreaterThan(0);
    expect(compareIds('1700000000000-2', '1700000000000-10')).toBeLessThan(0);
    expect(compareIds('7-3', '7-3')).toBe(0);
  });

  it('nextId is the smallest id after the given one', () => {
    expect(nextId('5-1')).toBe('5-2');
    expect(compareIds(nextId('1700000000000-9'), '1700000000000-9')).toBeGreaterThan(0);
  });
});

describe('readReply', () => {
  const entries = [['1-0', ['f', 'a']]];
  it('reads RESP2 pairs and RESP3 maps (flat), and a timeout as nothing', () => {
    expect(
      readReply([
        ['k1', entries],
        ['k2', entries],
      ]),
    ).toEqual([
      ['k1', entries],
      ['k2', entries],
    ]);
    expect(readReply(['k1', entries, 'k2', entries])).toEqual([
      ['k1', entries],
      ['k2', entries],
    ]);
    expect(readReply(null)).toEqual([]);
  });
});
