import { describe, expect, it } from 'vitest';
import { TaskPhase } from '../../src/runtime/task-phase.js';

describe('TaskPhase', () => {
  it('goes waiting → running → done, once', () => {
    const phase = new TaskPhase();
    expect(phase.phase).toBe('waiting');
    expect(phase.begin()).toBe(true);
    expect(phase.begin()).toBe(false);
    expect(phase.phase).toBe('running');
    expect(phase.end()).toBe(true);
    expect(phase.end()).toBe(false);
    expect(phase.phase).toBe('done');
  });

  it("attributes an error by phase: a bootstrap failure while waiting, the task's while running, a stray after", () => {
    const phase = new TaskPhase();
    expect(phase.attribute(new Error('early'))).toMatchObject({
      phase: 'waiting',
      failure: {
        kind: 'bootstrap',
        name: 'BootstrapError',
        message: 'an error was thrown before the task started: early',
        cause: { kind: 'threw', message: 'early' },
      },
    });
    phase.begin();
    const running = phase.attribute(new TypeError('now'));
    expect(running).toMatchObject({ phase: 'running', failure: { kind: 'threw', name: 'TypeError' } });
    expect(running.phase === 'running' && running.ms).toBeGreaterThanOrEqual(0);
    phase.end();
    expect(phase.attribute('late')).toMatchObject({
      phase: 'done',
      failure: { kind: 'threw', message: 'late' },
    });
  });
});
