import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { validateTaskFile, validateTaskResult, writeTaskJson } from '../../dist/task/task-json.js';
import { runner, taskResult } from '../fixtures/task-figures.js';

const dir = mkdtempSync(join(tmpdir(), 'task-json-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const result = taskResult([runner('serial', 1, 0, { blockingMs: 0.9 }), runner('pool', 1.01, 1900)]);

describe('task result schema', () => {
  it('accepts a result and writes it after checking it', () => {
    expect(validateTaskResult(JSON.parse(JSON.stringify(result)))).toEqual([]);
    const file = join(dir, 'ok.json');
    writeTaskJson(result, file);
    expect(JSON.parse(readFileSync(file, 'utf8')).schemaVersion).toBe(1);
    expect(validateTaskFile(file)).toEqual([]);
  });

  it('names what is wrong with a result that does not match', () => {
    const bad = JSON.parse(JSON.stringify(result));
    bad.runners[1].id = 'queue';
    delete bad.recommendation.reasons;
    const problems = validateTaskResult(bad);
    expect(problems.some((p) => p.startsWith('/runners/1/id'))).toBe(true);
    expect(problems.some((p) => p.includes('reasons'))).toBe(true);
    expect(() => writeTaskJson(bad, join(dir, 'bad.json'))).toThrow(/does not match its schema/);
  });

  it('reports a file that is not JSON', () => {
    const file = join(dir, 'text.json');
    writeFileSync(file, 'not json');
    expect(validateTaskFile(file)[0]).toMatch(/cannot read .* as JSON/);
  });
});
