// What tasks print survives shutdown(): a script that runs tasks on the shared thread (and pool) driver,
// awaits them and calls shutdown() writes every line before it exits (issue 12: 4,002 of 8,000 before).
import { randomUUID } from 'node:crypto';
import { runNode } from '@isolane/core/testing';
import { describe, expect, it } from 'vitest';

const CORE = import.meta.resolve('@isolane/core');
// The thread driver registers itself when its package loads.
const THREAD = import.meta.resolve('@isolane/thread');

function script(marker: string, driver: string): string {
  return `
    const { WaitGroup, shutdown } = await import(${JSON.stringify(CORE)});
    await import(${JSON.stringify(THREAD)});
    const print = (marker, task, n) => { for (let i = 0; i < n; i++) console.log(marker + ' ' + task + ' ' + i); return n; };
    const wg = new WaitGroup({ driver: ${JSON.stringify(driver)}, concurrency: 4 });
    for (let t = 0; t < 4; t++) wg.go(print, ${JSON.stringify(marker)}, t, 2000);
    await wg.wait();
    await shutdown();`;
}

describe('output and shutdown()', () => {
  for (const driver of ['thread', 'pool']) {
    it(`${driver}: shutdown() right after wait() loses no line of 4 tasks × 2,000`, async () => {
      const marker = `isolane-sd-${randomUUID().slice(0, 8)}`;
      const { out, err, code } = await runNode(
        ['--input-type=module', '-e', script(marker, driver)],
        process.cwd(),
        90_000,
      );
      expect(code, err).toBe(0);
      const lines = out.split('\n').filter((line) => line.startsWith(`${marker} `));
      expect(lines.length).toBe(8_000);
      expect(new Set(lines).size).toBe(8_000);
    }, 120_000);
  }
});
