import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { hostFlags } from '../../dist/task/target.js';
import { loadArgLists } from '../../dist/task/task-args.js';
import { positiveInt, resolveTaskOptions } from '../../dist/task/task-options.js';

const fixtures = new URL('../fixtures/user-tasks/', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'task-options-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('resolveTaskOptions', () => {
  it('resolves the module, the export and the defaults', () => {
    const { bench, json, md } = resolveTaskOptions('tiny.js#add', { args: '[1, 2]' }, fixtures);
    expect(bench.moduleUrl).toBe(new URL('../fixtures/user-tasks/tiny.js', import.meta.url).href);
    expect(bench.exportName).toBe('add');
    expect(bench.args).toEqual({ kind: 'lists', lists: [[1, 2]] });
    expect(bench.drivers).toEqual(['cooperative', 'thread', 'fork', 'pool']);
    expect(bench.baselines).toEqual(['raw-worker', 'raw-fork']);
    expect(bench.timeoutMs).toBe(30_000);
    expect(bench.budgetMs).toBe(180_000);
    expect(json).toBeNull();
    expect(md).toBeNull();
  });

  it('names the option of every bad value', () => {
    const bad: [string, Record<string, string>, RegExp][] = [
      ['tiny.js#add', { args: '{"a":1}' }, /--args must be a JSON array/],
      ['tiny.js#add', { args: '[1,' }, /--args must be JSON/],
      ['tiny.js#add', { args: '[1]', argsFile: 'x.json' }, /--args and --args-file are exclusive/],
      ['tiny.js#add', { drivers: 'pool,queue' }, /--drivers: unknown name "queue"/],
      ['tiny.js#add', { drivers: 'none' }, /--drivers: name at least one driver/],
      ['tiny.js#add', { baselines: 'piscina' }, /--baselines: unknown name "piscina"/],
      ['tiny.js#add', { tasks: '0' }, /--tasks must be a positive integer, got "0"/],
      ['tiny.js#add', { concurrency: '1.5' }, /--concurrency must be a positive integer/],
      ['tiny.js#add', { budget: 'soon' }, /--budget must be a positive integer/],
      ['tiny.js#add', { timeout: '-1' }, /--timeout must be a non-negative integer/],
      ['tiny.js#add', { bootstrap: 'nope.js' }, /--bootstrap: no such file/],
      ['tiny.js#add', { json: fixtures }, /--json .*: cannot write there \(it is a directory\)/],
      ['missing.js#add', {}, /<module>#<export>: no such file/],
      ['tiny.js#not-a-name', {}, /is not an export name/],
      ['args-list.json#x', {}, /no such file/],
    ];
    for (const [target, flags, message] of bad) {
      expect(() => resolveTaskOptions(target, flags, fixtures), `${target} ${JSON.stringify(flags)}`).toThrow(
        message,
      );
    }
  });

  it('checks output paths before measuring, creating their directory', () => {
    const file = join(dir, 'deep', 'out.json');
    const { json, md } = resolveTaskOptions('tiny.js#add', { json: file, md: join(dir, 'out.md') }, fixtures);
    expect(json).toBe(file);
    expect(md).toBe(join(dir, 'out.md'));
    expect(() => resolveTaskOptions('tiny.js#add', { json: file, md: file }, fixtures)).toThrow(/same file/);
    writeFileSync(join(dir, 'blocker'), '');
    expect(() => resolveTaskOptions('tiny.js#add', { md: join(dir, 'blocker', 'x.md') }, fixtures)).toThrow(
      /--md .*blocker\/x.md: cannot write there/,
    );
    expect(existsSync(join(dir, 'deep'))).toBe(true);
  });

  it('adds a TypeScript loader for a .ts task when the CLI runs without one (on a Node that needs one)', () => {
    const ts = `${fixtures}typed.ts`;
    // Node >= 23.6 strips types by itself (the Node 24 leg): nothing is added there.
    const [major = 0, minor = 0] = process.versions.node.split('.').map(Number);
    const native = major > 23 || (major === 23 && minor >= 6);
    const loader = native ? /^$/ : /^--import file:.*tsx/;
    expect(hostFlags([ts], []).join(' ')).toMatch(loader);
    expect(hostFlags([`${fixtures}tiny.js`], [])).toEqual([]);
    // The CLI's own loader is passed on as it is, and nothing is added.
    expect(hostFlags([ts], ['--import', 'tsx'])).toEqual(['--import', 'tsx']);
    const flags = resolveTaskOptions('typed.ts#double', { args: '[2]' }, fixtures).bench.hostFlags.join(' ');
    if (native) expect(flags).not.toMatch(/--import \S*tsx/);
    else expect(flags).toMatch(/--import \S*tsx/);
  });

  it('parses integers strictly', () => {
    expect(positiveInt('12', '--tasks')).toBe(12);
    expect(positiveInt(undefined, '--tasks')).toBeUndefined();
    expect(positiveInt('0', '--timeout', true)).toBe(0);
    expect(() => positiveInt('1e3', '--tasks')).toThrow(/--tasks/);
  });
});

describe('argument files', () => {
  it('reads a JSON file of argument lists and refuses anything else', () => {
    const good = join(dir, 'args.json');
    writeFileSync(good, '[[1], [2, 3]]');
    expect(resolveTaskOptions('tiny.js#add', { argsFile: good }, fixtures).bench.args).toEqual({
      kind: 'lists',
      lists: [[1], [2, 3]],
    });
    const flat = join(dir, 'flat.json');
    writeFileSync(flat, '[1, 2]');
    expect(() => resolveTaskOptions('tiny.js#add', { argsFile: flat }, fixtures)).toThrow(
      /--args-file .*entry 0 is not an argument list/,
    );
    expect(() => resolveTaskOptions('tiny.js#add', { argsFile: join(dir, 'args.txt') }, fixtures)).toThrow(
      /--args-file must be a .json file or a JavaScript\/TypeScript module/,
    );
  });

  it('loads a module of argument lists where it is measured', async () => {
    const { bench } = resolveTaskOptions('tiny.js#add', { argsFile: 'args-list.js' }, fixtures);
    expect(bench.args.kind).toBe('module');
    expect(await loadArgLists(bench.args)).toEqual([
      [1, 2],
      [3, 4],
      [5, 6],
    ]);
  });
});
