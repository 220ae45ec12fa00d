/**
 * Bad input: every case of the catalogue gives its documented error and leaves the group (or a fresh
 * group on the same driver) usable; docs/bad-input.md is exactly what the catalogue generates.
 */
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { BAD_INPUT_CASES } from '../dist/bad-input/cases.js';
import { type CaseOutcome, runBadInputCases } from '../dist/bad-input/run-cases.js';
import { renderTable } from '../dist/bad-input/table.js';

const DOC = new URL('../../docs/bad-input.md', import.meta.url);

let outcomes: CaseOutcome[] = [];
let scratch = '';
const unhandled: unknown[] = [];

beforeAll(async () => {
  const onRejection = (reason: unknown) => unhandled.push(reason);
  process.on('unhandledRejection', onRejection);
  try {
    ({ outcomes, scratch } = await runBadInputCases());
    await new Promise((resolve) => setTimeout(resolve, 50));
  } finally {
    process.off('unhandledRejection', onRejection);
  }
}, 300_000);

describe('bad input', () => {
  it('runs every case of the catalogue', () => {
    expect(outcomes.length).toBe(BAD_INPUT_CASES.length);
    expect(BAD_INPUT_CASES.length).toBeGreaterThan(80);
  });

  BAD_INPUT_CASES.forEach((c, i) => {
    it(`#${i + 1} ${c.entry}: ${c.input} -> ${c.expected.surface} ${c.expected.name}`, () => {
      const outcome = outcomes[i];
      expect(outcome?.c).toBe(c);
      expect(outcome?.problems, `observed: ${JSON.stringify(outcome?.seen)}`).toEqual([]);
    });
  });

  it('leaves no unhandled rejection behind', () => {
    expect(unhandled.map(String)).toEqual([]);
  });

  it('docs/bad-input.md is the table the catalogue generates (regenerate: node reliability/dist/bad-input-table.js > docs/bad-input.md)', () => {
    expect(readFileSync(DOC, 'utf8')).toBe(renderTable(outcomes, scratch));
  });
});
