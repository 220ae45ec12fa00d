// Process-level guarantees that need a separate parent process: children die with their parent (even
// SIGKILL), an idle driver never keeps its parent alive, and loader flags reach the children.
import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { childPids, isAlive } from '@isolane/core/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { delay, until } from './helpers.js';

const fixturePath = (name: string) => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));
const packageDir = fileURLToPath(new URL('..', import.meta.url));
const spawned: ChildProcess[] = [];

function start(args: string[], env: NodeJS.ProcessEnv = {}): { child: ChildProcess; output: () => string } {
  const child = spawn(process.execPath, args, {
    cwd: packageDir,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...env },
  });
  spawned.push(child);
  let out = '';
  child.stdout?.on('data', (d: Buffer) => {
    out += d.toString();
  });
  child.stderr?.on('data', (d: Buffer) => {
    out += d.toString();
  });
  return { child, output: () => out };
}

function exitOf(child: ChildProcess, ms: number): Promise<number | null | 'timeout'> {
  return new Promise((resolve) => {
    if (child.exitCode !== null) return resolve(child.exitCode);
    const timer = setTimeout(() => resolve('timeout'), ms);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve(code);
    });
  });
}

afterEach(() => {
  for (const child of spawned.splice(0))
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
});

describe('process lifetime', () => {
  const guards = [
    { mode: 'wait', env: {}, what: 'task asleep' },
    { mode: 'spin', env: {}, what: 'task stuck in synchronous code' },
    {
      mode: 'spin',
      env: { ISOLANE_FORK_PDEATHSIG: '0' },
      what: 'task stuck in synchronous code, watchdog thread instead of setpriv',
    },
  ];
  for (const { mode, env, what } of guards) {
    it(`children exit within 2 s when their parent is killed with SIGKILL (${what})`, async () => {
      const { child: parent, output } = start([fixturePath('parent.js'), mode], env);
      const pid = parent.pid!;
      expect(await until(() => /CHILD (\d+)/.test(output()), 20_000), output()).toBe(true);
      const running = Number(/CHILD (\d+)/.exec(output())?.[1]);
      expect(await until(() => childPids(pid).length === 2, 30_000)).toBe(true); // running + prespawned
      const children = childPids(pid);
      expect(children).toContain(running);
      await delay(300); // a spinning child is now deaf to its IPC channel
      parent.kill('SIGKILL');
      await exitOf(parent, 5_000);
      const gone = await until(() => children.every((c) => !isAlive(c)), 2_000);
      if (!gone) for (const c of children) if (isAlive(c)) process.kill(c, 'SIGKILL');
      expect(
        gone,
        `children still alive 2 s after the parent died: ${children.filter(isAlive).join(', ')}`,
      ).toBe(true);
    });
  }

  it('an idle driver (prespawned and lingering children) never keeps its parent alive', async () => {
    const { child, output } = start([fixturePath('idle-parent.js')]);
    const code = await exitOf(child, 15_000);
    expect(output()).toContain('RESULT true');
    expect(code).toBe(0);
    expect(await until(() => childPids(child.pid!).length === 0, 30_000)).toBe(true);
  });

  it('runs a .ts task module when the parent runs under tsx (loader flags reach the child)', async () => {
    const { child, output } = start(['--import', 'tsx', fixturePath('ts-parent.ts')]);
    const code = await exitOf(child, 30_000);
    expect(output()).toContain('RESULT 5');
    expect(code).toBe(0);
  });
});
