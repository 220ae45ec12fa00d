import { describe, expect, it } from 'vitest';
import { runCommands } from '../src/index.js';
import { outcomeLabel, summaryTable } from '../src/summary-table.js';
import { fixture, node } from './helpers/processes.js';

describe('summary table', () => {
  it('labels each kind of outcome and aligns the columns', async () => {
    const results = await runCommands(
      {
        fine: [node, [fixture('print.js'), '1']],
        three: [node, [fixture('print.js'), '0', '0', '3']],
        gone: ['isolane-no-such-command-xyz'],
        idle: [node, [fixture('sleep.js')], { idleTimeout: 300, killGraceMs: 1_000 }],
      },
      { timeout: 30_000 },
    );
    expect(Object.values(results).map(outcomeLabel)).toEqual(['ok', 'exit 3', 'not found', 'idle timeout']);
    const lines = summaryTable(results).split('\n');
    expect(lines).toHaveLength(5);
    expect(lines[0]).toMatch(/^key\s+result\s+time\s+command$/);
    const column = (lines[1] ?? '').indexOf('ok');
    expect(lines.slice(2).every((line) => line.length > column && line[column - 1] === ' ')).toBe(true);
  }, 60_000);
});
