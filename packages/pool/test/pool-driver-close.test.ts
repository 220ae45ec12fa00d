/**
 * close() must always settle and leave no thread, however early or late in a pool's life it comes. A
 * close() whose threads' exit never arrives only shows when nothing else keeps the event loop alive —
 * the test runner always does — so each case runs in a `node` process of its own, which exits with code
 * 13 (an unsettled top-level await) when close() hangs.
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

interface Run {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs a fixture script with plain node; the child is killed if it outlives `timeout`. */
function runFixture(name: string, args: string[] = [], timeout = 60_000): Promise<Run> {
  const script = fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [script, ...args],
      { timeout, killSignal: 'SIGKILL' },
      (err, stdout, stderr) => {
        const code = err === null ? 0 : typeof err.code === 'number' ? err.code : null;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

function expectClean(run: Run, output: string): void {
  // Code 13: the loop emptied with close() still pending (a thread's exit event never came).
  expect({ code: run.code, stderr: run.code === 0 ? '' : run.stderr }).toEqual({ code: 0, stderr: '' });
  expect(run.stdout.trim()).toBe(output);
}

describe('PoolDriver: close() always settles', () => {
  it('when a message the stopping worker posted just before arrives while it still winds down', async () => {
    // Found as a 1-in-30 hang: a worker still starting posts READY as close() stops it; taking that
    // message in found the worker idle and unref'd it, and the loop emptied before its exit event.
    for (let i = 0; i < 2; i++) expectClean(await runFixture('close-after-late-message.js'), 'closed 0');
  }, 120_000);

  it('right after a burst, right after construction, during start-up and while replacements preload', async () => {
    expectClean(await runFixture('close-loop.js', ['30']), 'closed 150');
  }, 180_000);

  it('right after the first burst of a fresh process (workers still loading their modules)', async () => {
    const runs = 24;
    const parallel = 4;
    const results: Run[] = [];
    for (let i = 0; i < runs; i += parallel)
      results.push(
        ...(await Promise.all(
          Array.from({ length: parallel }, () => runFixture('close-loop.js', ['1', 'burst'])),
        )),
      );
    for (const run of results) expectClean(run, 'closed 1');
  }, 180_000);
});
