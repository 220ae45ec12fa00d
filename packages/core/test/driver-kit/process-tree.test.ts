/**
 * Process trees: processes carrying a worker's marker are found through /proc and ended (SIGTERM, then
 * SIGKILL for one that ignores it), others are left alone, and a host's normal exit kills every process
 * of its markers. Every process started here has a unique argv marker; afterAll kills any left.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import {
  endProcessTree,
  markedEnv,
  markedPids,
  newTreeMarker,
  TREE_GRACE_MS,
} from '../../src/driver-kit/process-tree.js';
import { eventually } from '../../src/os-probes.js';
import { pidsByArgv } from '../../src/testing/process-tree-cases.js';

const TAG = `isolane-test-${randomUUID()}`;
const started: ChildProcess[] = [];

afterAll(() => {
  for (const pid of pidsByArgv(TAG)) process.kill(pid, 'SIGKILL');
});

/** A node process named by TAG that runs until killed (`stubborn`: it ignores SIGTERM). */
function hold(env: Record<string, string>, stubborn = false): ChildProcess {
  const code = `${stubborn ? "process.on('SIGTERM', () => {});" : ''} setInterval(() => {}, 1e9); process.send?.('up')`;
  const child = spawn(process.execPath, ['-e', code, TAG], {
    env,
    stdio: ['ignore', 'ignore', 'ignore', 'ipc'],
  });
  started.push(child);
  return child;
}

const up = (child: ChildProcess) => new Promise<void>((resolve) => child.once('message', () => resolve()));
const gone = (child: ChildProcess) =>
  new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once('exit', () => resolve());
  });

describe('markedEnv', () => {
  it('copies the environment and adds the marker (kept with the ones this process already has)', () => {
    const marker = newTreeMarker();
    expect(marker.startsWith(`${process.pid}.`)).toBe(true);
    expect(markedEnv({ PATH: '/bin' }, marker)).toEqual({
      PATH: '/bin',
      ISOLANE_TREE: process.env.ISOLANE_TREE ? `${process.env.ISOLANE_TREE},${marker}` : marker,
    });
    expect(markedEnv(undefined, marker).PATH).toBe(process.env.PATH);
    expect(newTreeMarker()).not.toBe(marker);
  });
});

describe.runIf(process.platform === 'linux')('endProcessTree', () => {
  it('ends the processes carrying the marker and leaves the others', async () => {
    const mine = newTreeMarker();
    const other = newTreeMarker();
    const a = hold(markedEnv(undefined, mine));
    const b = hold(markedEnv(undefined, other));
    await Promise.all([up(a), up(b)]);
    expect(markedPids((m) => m === mine)).toEqual([a.pid]);
    endProcessTree(mine);
    await gone(a);
    expect(a.signalCode).toBe('SIGTERM');
    expect(b.exitCode === null && b.signalCode === null).toBe(true);
    endProcessTree(other);
    await gone(b);
  }, 30_000);

  it('SIGKILLs one that ignores SIGTERM after the grace', async () => {
    const marker = newTreeMarker();
    const child = hold(markedEnv(undefined, marker), true);
    await up(child);
    const t0 = performance.now();
    endProcessTree(marker);
    await gone(child);
    expect(child.signalCode).toBe('SIGKILL');
    expect(performance.now() - t0).toBeGreaterThanOrEqual(TREE_GRACE_MS - 50);
  }, 30_000);
});

describe.runIf(process.platform === 'linux')("the host's exit", () => {
  const treeUrl = new URL('../../dist/driver-kit/process-tree.js', import.meta.url).href;
  const script = (exit: string) => `
    const { markedEnv, newTreeMarker } = await import(${JSON.stringify(treeUrl)});
    const { spawn } = await import('node:child_process');
    const marker = newTreeMarker();
    const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1e9)', ${JSON.stringify(TAG)}], {
      env: markedEnv(undefined, marker), detached: true, stdio: 'ignore',
    });
    child.unref();
    await new Promise((r) => child.once('spawn', r));
    console.log(child.pid);
    ${exit}`;

  it.each([
    ['an empty event loop', ''],
    ['process.exit()', 'process.exit(3)'],
    [
      "a SIGTERM handler of the application's that exits",
      "process.on('SIGTERM', () => process.exit(0)); setInterval(() => {}, 1e9); process.kill(process.pid, 'SIGTERM');",
    ],
  ])(
    'kills every process of its markers on %s',
    async (_how, exit) => {
      const host = spawn(process.execPath, ['--input-type=module', '-e', script(exit)], {
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      let out = '';
      host.stdout.setEncoding('utf8').on('data', (s: string) => {
        out += s;
      });
      await gone(host);
      const pid = Number(out.trim());
      expect(pid).toBeGreaterThan(0);
      expect(await eventually(() => !pidsByArgv(TAG).includes(pid), 2_000)).toBe(true);
    },
    30_000,
  );
});
