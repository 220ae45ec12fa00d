import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import {
  controlChannel,
  decode,
  encode,
  fromRootPath,
  outcomeOf,
  readOutcome,
  STARTED_FIELD,
  startedField,
  taskId,
  toRootPath,
  wireTask,
} from '../src/wire.js';

const base = mkdtempSync(join(tmpdir(), 'isolane-wire-'));
const root = join(base, 'app');
mkdirSync(join(root, 'tasks'), { recursive: true });
writeFileSync(join(root, 'tasks', 'a.js'), 'export const a = 1;\n');
writeFileSync(join(base, 'secret.js'), 'export const s = 1;\n');
symlinkSync(join(base, 'secret.js'), join(root, 'tasks', 'link.js'));
afterAll(() => rmSync(base, { recursive: true, force: true }));

describe('toRootPath (producer side)', () => {
  it('names a module under the root by its relative path, with forward slashes', () => {
    expect(toRootPath(pathToFileURL(join(root, 'tasks', 'a.js')).href, root)).toEqual({ path: 'tasks/a.js' });
  });

  it('refuses modules outside the root and non-file URLs, naming the root option', () => {
    const outside = toRootPath(pathToFileURL(join(base, 'secret.js')).href, root);
    expect(outside).toMatchObject({ refused: expect.stringMatching(/outside the queue driver's root/) });
    expect(toRootPath('data:text/javascript,export const x = 1', root)).toMatchObject({
      refused: expect.stringMatching(/not a file/),
    });
    expect(toRootPath(pathToFileURL(root).href, root)).toHaveProperty('refused');
  });
});

describe('fromRootPath (worker side)', () => {
  it('resolves a relative path under the worker root', () => {
    expect(fromRootPath('tasks/a.js', root)).toEqual({
      url: pathToFileURL(join(root, 'tasks', 'a.js')).href,
    });
  });

  it.each([['../secret.js'], ['tasks/../../secret.js'], [join(base, 'secret.js')], [''], ['tasks/a.js\0']])(
    'refuses %j',
    (path) => {
      expect(fromRootPath(path, root)).toMatchObject({
        refused: expect.stringMatching(/outside this worker's --root/),
      });
    },
  );

  it('refuses a symbolic link inside the root that leads out of it', () => {
    expect(fromRootPath('tasks/link.js', root)).toHaveProperty('refused');
  });
});

describe('snapshots', () => {
  it('encode/decode keep what structured clone keeps', () => {
    const value = { m: new Map([[1, 2n]]), d: new Date(0), u: new Uint8Array([1, 2]), s: new Set(['x']) };
    expect(decode(encode(value))).toEqual(value);
  });

  it('readOutcome accepts only a Result snapshot', () => {
    expect(readOutcome({ r: encode({ ok: true, value: 3, ms: 1 }) })).toEqual({ ok: true, value: 3, ms: 1 });
    expect(readOutcome({ r: encode(42) })).toBeUndefined();
    expect(readOutcome('nope')).toBeUndefined();
    expect(readOutcome(null)).toBeUndefined();
  });

  it('wireTask keeps inline source and maps modules to root paths', () => {
    expect(wireTask({ kind: 'inline', source: '(a) => a' }, root)).toEqual({
      task: { kind: 'inline', source: '(a) => a' },
    });
    expect(
      wireTask({ kind: 'module', module: pathToFileURL(join(root, 'tasks', 'a.js')).href, name: 'a' }, root),
    ).toEqual({
      task: { kind: 'module', path: 'tasks/a.js', name: 'a' },
    });
  });

  it('one control channel per prefix and queue', () => {
    expect(controlChannel('bull', 'q')).not.toBe(controlChannel('bull', 'r'));
    expect(controlChannel('bull', 'q')).not.toBe(controlChannel('other', 'q'));
  });
});

describe('task ids and bundle outcomes', () => {
  it('a task alone is named by its job id, a bundled one by job id and index; so are their started marks', () => {
    expect(taskId('17')).toBe('17');
    expect(taskId('17', 0)).toBe('17.0');
    expect(startedField()).toBe(STARTED_FIELD);
    expect(startedField(3)).toBe(`${STARTED_FIELD}.3`);
  });

  it("outcomeOf picks a bundled task's element, and nothing from a value that is not a bundle's", () => {
    const value = { b: [{ r: '~1' }, { r: '~2' }] };
    expect(outcomeOf(value, 1)).toEqual({ r: '~2' });
    expect(outcomeOf(value, 2)).toBeUndefined();
    expect(outcomeOf({ r: '~1' }, 0)).toBeUndefined();
    expect(outcomeOf(null, 0)).toBeUndefined();
    expect(outcomeOf(value)).toBe(value);
  });
});
