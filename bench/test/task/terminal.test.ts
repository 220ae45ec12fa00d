import { describe, expect, it } from 'vitest';
import { renderTaskMarkdown } from '../../dist/task/markdown.js';
import { recommend } from '../../dist/task/recommend.js';
import { renderTaskTerminal } from '../../dist/task/terminal.js';
import { runner, taskResult } from '../fixtures/task-figures.js';

const runners = [
  runner('serial', 3.1, 0, { blockingMs: 3.05 }),
  runner('cooperative', 3.2, 300),
  runner('thread', 28, 70),
  runner('fork', 64, 30, { failures: { timeout: 1 } }),
  runner('pool', 3.114, 620),
  runner('raw-worker', 25, 75),
  runner('raw-fork', 60, 31),
];
const killed = runner('cooperative', 1, 1, {
  warm: null,
  throughput: null,
  error: 'the task killed its host process (exit code 3)',
});
const divergences = [{ id: 'thread' as const, tasks: [1] }];
const result = taskResult(runners, {
  divergences,
  recommendation: recommend({ runners, divergences, cores: 2 }),
});

describe('renderTaskTerminal', () => {
  for (const width of [60, 80, 100, 200]) {
    it(`fits ${width} columns`, () => {
      const text = renderTaskTerminal(result, width);
      for (const line of text.split('\n')) expect(line.length, line).toBeLessThanOrEqual(width);
      // The essentials survive any width: every runner, its p50, the results check, the recommendation.
      for (const r of runners) expect(text).toContain(r.id);
      expect(text).toContain('DIFFER (#2)');
      expect(text).toContain('Recommended: pool');
    });
  }

  it('breaks a module path wider than the terminal', () => {
    const deep = taskResult(runners, {
      task: {
        module: `file:///${'very-long-directory/'.repeat(6)}tasks.js`,
        export: 'resize',
        argLists: 1,
        bootstrap: null,
      },
      recommendation: result.recommendation,
    });
    for (const line of renderTaskTerminal(deep, 50).split('\n'))
      expect(line.length, line).toBeLessThanOrEqual(50);
  });

  it('says how a runner that measured nothing ended', () => {
    const text = renderTaskTerminal(
      taskResult([runners[0]!, killed], { recommendation: result.recommendation }),
      200,
    );
    expect(text).toMatch(/cooperative .* host killed/);
  });

  it('drops the least important columns first and says which', () => {
    const narrow = renderTaskTerminal(result, 80);
    expect(narrow).toMatch(/not shown at this width: .*p99/);
    const wide = renderTaskTerminal(result, 250);
    expect(wide).not.toContain('not shown');
    expect(wide).toContain('p99');
    expect(wide).toContain('timeout×1');
  });
});

describe('renderTaskMarkdown', () => {
  it('shows every column, the recommendation and its warnings', () => {
    const md = renderTaskMarkdown(result);
    expect(md).toContain('| runner | cold | p50 | p95 | p99 | overhead | throughput | CPU | speedup |');
    expect(md).toContain('| pool | 9.34 ms | 3.11 ms |');
    expect(md).toContain('**Recommended: `pool`**');
    expect(md).toContain('- pool: 14.0 µs overhead on a 3.10 ms task (0.5%)');
    expect(md).toContain('- thread: results differ from a serial run in one thread (task #2)');
    expect(md).toContain('of which 3.05 ms synchronous');
  });
});
