/**
 * The rows of issue 17 run for real: the pool of processes, tinypool's child_process runtime and the raw
 * IPC ping-pong each open warm child processes, answer one task and a pipelined batch, and leave no
 * process behind once closed (children of this process, counted in /proc).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { subjectById } from '../../dist/subjects/catalogue.js';
import { tinypoolProcessOptions } from '../../dist/subjects/tinypool-process.js';

/** Pids of the live (not zombie) processes whose parent is this one. */
function children(): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // pid (comm) state ppid …: comm may hold spaces, so read after its closing parenthesis.
      const [state, ppid] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(ppid) === process.pid && state !== 'Z') pids.push(Number(entry));
    } catch {
      // gone while we looked
    }
  }
  return pids;
}

async function until(check: () => boolean, ms: number): Promise<boolean> {
  for (const deadline = Date.now() + ms; Date.now() < deadline; ) {
    if (check()) return true;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  return check();
}

describe.skipIf(process.platform !== 'linux')('the process rows (issue 17)', () => {
  for (const id of ['pool-process', 'tinypool-process', 'raw-process-ping-pong']) {
    it(`${id}: warm child processes answer a task and a pipelined batch, and are gone after close()`, async () => {
      const before = new Set(children());
      const session = await subjectById(id).open({ concurrency: 2 });
      try {
        expect(await session.run('noop', { n: 41 })).toEqual({ n: 41 });
        expect(await session.runMany('noop', 1, 500)).toBe(500);
        const started = children().filter((pid) => !before.has(pid));
        expect(started.length).toBe(2);
      } finally {
        await session.close();
      }
      const gone = await until(() => children().every((pid) => before.has(pid)), 15_000);
      expect(gone, `children left after close(): ${children().filter((p) => !before.has(p))}`).toBe(true);
    }, 60_000);
  }

  it('pool-process runs its tasks in processes of their own', async () => {
    const session = await subjectById('pool-process').open({ concurrency: 1 });
    try {
      // setEnv/readEnv run in the worker: the host's environment is untouched.
      expect(await session.run('setEnv', 'from-a-worker')).toBe(true);
      expect(await session.run('readEnv')).toBe('from-a-worker');
      expect(process.env.ISOLANE_BENCH_PROBE).toBeUndefined();
    } finally {
      await session.close();
    }
  }, 60_000);
});

describe('tinypoolProcessOptions', () => {
  it('asks for the child_process runtime and sets the heap limit as a Node flag', () => {
    expect(tinypoolProcessOptions({ concurrency: 2 })).toEqual({
      filename: expect.stringMatching(/^file:.*\/workers\/tasks\.js$/),
      minThreads: 2,
      maxThreads: 2,
      runtime: 'child_process',
    });
    const limited = tinypoolProcessOptions({ concurrency: 1, memoryLimitMb: 64 });
    expect(limited?.execArgv).toEqual(['--max-old-space-size=64']);
    expect(limited).not.toHaveProperty('resourceLimits');
  });
});
