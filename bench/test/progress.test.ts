import { describe, expect, it } from 'vitest';
import { formatSeconds, stderrProgress, timing } from '../src/progress.js';

function fakeStream(): { stream: NodeJS.WriteStream; lines: string[] } {
  const lines: string[] = [];
  const stream = {
    isTTY: false,
    write: (chunk: string) => {
      lines.push(...chunk.split('\n').filter(Boolean));
      return true;
    },
  } as unknown as NodeJS.WriteStream;
  return { stream, lines };
}

describe('progress names the unit in progress, elapsed and estimated time left', () => {
  it('a line when a unit starts (what is running now) and when it ends', () => {
    const { stream, lines } = fakeStream();
    const p = stderrProgress(stream);
    p.start(4);
    p.begin?.('latency piscina');
    p.tick('latency piscina', 'cold 20 ms');
    p.begin?.('latency thread');
    expect(lines[0]).toMatch(/^\[0\/4 \d+ s elapsed, time left: \?\] running latency piscina$/);
    expect(lines[1]).toMatch(/^\[1\/4 \d+ s elapsed, ~\d+ s left\] latency piscina: cold 20 ms$/);
    expect(lines[2]).toMatch(/running latency thread$/);
  });

  it("a unit's progress report: a line off a terminal, at most one per unit and per second", () => {
    const { stream, lines } = fakeStream();
    const p = stderrProgress(stream);
    p.start(2);
    p.note?.('pool', '1/4');
    p.note?.('pool', '2/4'); // within the same second: not printed
    p.note?.('thread', '1/4');
    expect(lines).toEqual(['  pool: 1/4', '  thread: 1/4']);
  });

  it('estimates the time left from the pace so far', () => {
    expect(timing(30_000, 3, 10)).toBe('30 s elapsed, ~1 min 10 s left');
    expect(timing(5_000, 0, 10)).toBe('5 s elapsed, time left: ?');
    expect(formatSeconds(185)).toBe('3 min 05 s');
  });
});
