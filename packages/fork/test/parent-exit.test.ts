// The parent's exit hook: one shared `exit` listener while children live, none after, and it kills a
// child that cannot notice its parent going away by itself.
import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { newTreeMarker } from '@isolane/core/driver-kit';
import { childPids, isAlive } from '@isolane/core/testing';
import { ForkDriver } from '@isolane/fork';
import { afterEach, describe, expect, it } from 'vitest';
import { startTask, until, valueIn } from './helpers.js';

const spawned: ChildProcess[] = [];
const drivers: ForkDriver[] = [];

afterEach(async () => {
  await Promise.all(drivers.splice(0).map((d) => d.close()));
  for (const child of spawned.splice(0))
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  expect(await until(() => childPids().length === 0, 10_000)).toBe(true);
});

describe('parent exit hook', () => {
  it('adds one process exit listener for any number of children, and none is left after the tasks', async () => {
    // The process-tree hook (one `exit` listener for the process's whole life, from its first worker on)
    // is not the per-child one counted here.
    newTreeMarker();
    const baseline = process.listenerCount('exit');
    const driver = new ForkDriver({ concurrency: 4, prespawn: 2, lingerMs: 50, stdio: 'ignore' });
    drivers.push(driver);
    const running = [0, 1, 2, 3].map((i) => startTask(driver, 'basic.js', 'sleep', [400, i]));
    expect(await until(() => driver.childCount >= 4, 20_000)).toBe(true);
    expect(process.listenerCount('exit')).toBe(baseline + 1);
    expect(await Promise.all(running.map(valueIn))).toEqual([0, 1, 2, 3]);
    const more = Array.from({ length: 24 }, (_, i) => startTask(driver, 'basic.js', 'add', [i, 1]));
    expect(await Promise.all(more.map(valueIn))).toEqual(Array.from({ length: 24 }, (_, i) => i + 1));
    await driver.close();
    expect(driver.childCount).toBe(0);
    expect(process.listenerCount('exit')).toBe(baseline);
  }, 60_000);

  it('kills a child stuck in synchronous code when its parent calls process.exit()', async () => {
    const path = fileURLToPath(new URL('./fixtures/exiting-parent.js', import.meta.url));
    const parent = spawn(process.execPath, [path], { stdio: ['ignore', 'pipe', 'inherit'] });
    spawned.push(parent);
    let out = '';
    parent.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
    });
    const exited = new Promise((resolve) => parent.once('exit', resolve));
    expect(await until(() => /CHILD (\d+)/.test(out), 20_000), out).toBe(true);
    const child = Number(/CHILD (\d+)/.exec(out)?.[1]);
    await exited;
    const gone = await until(() => !isAlive(child), 2_000);
    if (!gone) process.kill(child, 'SIGKILL');
    expect(gone, `child ${child} outlived its parent's process.exit()`).toBe(true);
  }, 60_000);
});
