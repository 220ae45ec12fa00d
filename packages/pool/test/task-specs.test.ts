/** The task-spec table: one reference per distinct task, introductions, and the recent modules a new worker preloads. */
import type { TaskSpec } from '@isolane/core';
import { describe, expect, it } from 'vitest';
import { TaskSpecTable } from '../src/task-specs.js';

const mod = (n: number, name = 'run'): TaskSpec => ({ kind: 'module', module: `file:///m${n}.js`, name });

describe('TaskSpecTable', () => {
  it('gives the same reference to the same task, whatever object describes it', () => {
    const seen: TaskSpec[] = [];
    const specs = new TaskSpecTable((spec) => seen.push(spec));
    const a = specs.refOf(mod(1));
    expect(specs.refOf(mod(1))).toBe(a);
    expect(specs.refOf(mod(1, 'other'))).not.toBe(a);
    const inline = specs.refOf({ kind: 'inline', source: '(n) => n' });
    expect(specs.refOf({ kind: 'inline', source: '(n) => n' })).toBe(inline);
    expect(seen).toHaveLength(3); // told once per distinct task
    expect(specs.intro(a)).toEqual({ ref: a, spec: mod(1) });
  });

  it('keeps the 16 task modules first used most recently, for a new worker to preload', () => {
    const specs = new TaskSpecTable();
    for (let i = 0; i < 20; i++) specs.refOf(mod(i));
    specs.refOf(mod(19, 'again')); // a module already listed is not listed twice
    const recent = specs.recentModules();
    expect(recent).toHaveLength(16);
    expect(recent[0]).toBe('file:///m19.js'); // the most recently first used comes first
    expect(recent[15]).toBe('file:///m4.js');
    recent.pop();
    expect(specs.recentModules()).toHaveLength(16); // a copy
  });
});
