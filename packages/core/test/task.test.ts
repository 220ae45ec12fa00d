import { describe, expect, it } from 'vitest';
import { defineTask, moduleTaskSpec } from '../src/task.js';

const url = 'file:///app/tasks.js';

describe('defineTask', () => {
  it('accepts ASCII and Unicode identifiers as export names', () => {
    for (const name of ['noop', '_private', '$dollar', 'a1', 'größe', 'naïve_2', 'ÉtéTask']) {
      const fn = defineTask(url, name, () => 1);
      expect(moduleTaskSpec(fn)).toEqual({ kind: 'module', module: url, name });
    }
  });

  it('rejects export names that are not identifiers, naming the parameter', () => {
    for (const name of ['', '1abc', 'a-b', 'a b', 'x.y', '√x']) {
      expect(() => defineTask(url, name, () => 1)).toThrow(/"exportName" must be the name of the export/);
    }
    expect(() => defineTask(url, 42 as unknown as string, () => 1)).toThrow(/"exportName"/);
  });

  it('normalizes the module URL and rejects what is not one', () => {
    expect(moduleTaskSpec(defineTask(new URL('file:///app/x/../tasks.js'), 'a', () => 1))).toMatchObject({
      module: url,
    });
    expect(moduleTaskSpec(defineTask('file:///app/x/../tasks.js', 'a', () => 1))).toMatchObject({
      module: url,
    });
    expect(() => defineTask('./tasks.js', 'a', () => 1)).toThrow(/"moduleUrl" must be the module's URL/);
    expect(() => defineTask(undefined as unknown as string, 'a', () => 1)).toThrow(/"moduleUrl"/);
  });

  it('rejects a task that is not a function', () => {
    expect(() => defineTask(url, 'a', 5 as unknown as () => void)).toThrow(/"fn" must be a function/);
  });
});

describe('defineTask on a function that is already a task', () => {
  it('returns it unchanged when declared again the same way', () => {
    const fn = (n: number) => n;
    const once = defineTask(url, 'same', fn);
    expect(defineTask(url, 'same', fn)).toBe(once);
  });

  it('refuses another module or name, saying where it is declared and how to wrap it', () => {
    const fn = (n: number) => n;
    defineTask(url, 'first', fn);
    expect(() => defineTask('file:///app/other.js', 'first', fn)).toThrow(
      /already the task "first" of file:\/\/\/app\/tasks\.js.*declare a wrapper/,
    );
    expect(() => defineTask(url, 'second', fn)).toThrow(/already the task "first"/);
  });
});
