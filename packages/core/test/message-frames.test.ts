import { describe, expect, it } from 'vitest';
import { taskFrameProblem } from '../src/driver-kit/wire-shapes.js';
import { isCreditCount, isFrameTag, MESSAGE_WINDOW } from '../src/message-frames.js';

describe('message frames', () => {
  it('taskFrameProblem accepts the three frames and names what is wrong with others', () => {
    expect(taskFrameProblem({ t: 'msg', v: undefined })).toBeUndefined();
    expect(taskFrameProblem({ t: 'progress', v: 1 })).toBeUndefined();
    expect(taskFrameProblem({ t: 'credit', n: 16 })).toBeUndefined();
    expect(taskFrameProblem(null)).toBe('a message frame that is null');
    expect(taskFrameProblem({ t: 'msg' })).toBe('a msg frame without a value');
    expect(taskFrameProblem({ t: 'credit', n: MESSAGE_WINDOW + 1 })).toMatch(/credit of number 65/);
    expect(taskFrameProblem({ t: 'credit', n: 1.5 })).toMatch(/credit/);
    expect(taskFrameProblem({ t: 'nope' })).toMatch(/unknown type/);
  });

  it('isFrameTag / isCreditCount', () => {
    expect(['msg', 'progress', 'credit', 'result'].map(isFrameTag)).toEqual([true, true, true, false]);
    expect([0, 1, MESSAGE_WINDOW, MESSAGE_WINDOW + 1, '3'].map(isCreditCount)).toEqual([
      false,
      true,
      true,
      false,
      false,
    ]);
  });
});
