import { describe, expect, it } from 'vitest';
import { JobGate } from '../src/job-gate.js';

describe('JobGate', () => {
  it('starts jobs up to its size at once and holds the others, in fetch order, until a slot frees', async () => {
    const gate = new JobGate(2);
    expect(gate.enter('1')).toBe(true);
    expect(gate.enter('2')).toBe(true);
    const third = gate.enter('3');
    const fourth = gate.enter('4');
    expect(third).toBeInstanceOf(Promise);
    expect(gate.held).toBe(2);
    expect(gate.active).toBe(2);
    const started: string[] = [];
    void (third as Promise<true | string>).then(() => started.push('3'));
    void (fourth as Promise<true | string>).then(() => started.push('4'));
    gate.leave();
    await third;
    expect(started).toEqual(['3']);
    expect(gate.held).toBe(1);
    gate.leave();
    expect(await fourth).toBe(true);
    expect(started).toEqual(['3', '4']);
    expect(gate.active).toBe(2);
  });

  it('a dropped job never starts: its wait gives the reason and the next held job takes the slot', async () => {
    const gate = new JobGate(1);
    expect(gate.enter('a')).toBe(true);
    const b = gate.enter('b');
    const c = gate.enter('c');
    expect(gate.drop('b', 'aborted by the caller')).toBe(true);
    expect(await b).toBe('aborted by the caller');
    expect(gate.drop('a', 'running, not held')).toBe(false);
    gate.leave();
    expect(await c).toBe(true);
    expect(gate.active).toBe(1);
    expect(gate.held).toBe(0);
  });

  it('a new job never overtakes a held one', () => {
    const gate = new JobGate(1);
    expect(gate.enter('x')).toBe(true);
    const y = gate.enter('y');
    gate.leave(); // y takes the freed slot (its promise resolves on a later turn)
    expect(gate.enter('z')).toBeInstanceOf(Promise);
    expect(y).toBeInstanceOf(Promise);
  });
});
