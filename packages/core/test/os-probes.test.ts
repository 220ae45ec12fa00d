import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { childPids, countThreads, eventually, isAlive } from '../src/os-probes.js';

describe('@isolane/core/os-probes', () => {
  it('imports only Node built-ins, so a script loading it never loads Vitest', () => {
    const source = readFileSync(new URL('../src/os-probes.ts', import.meta.url), 'utf8');
    const specifiers = [...source.matchAll(/^\s*import\s[^;]*?from\s+'([^']+)'/gm)].map((m) => m[1]);
    expect(specifiers.length).toBeGreaterThan(0);
    expect(specifiers.filter((s) => !s?.startsWith('node:'))).toEqual([]);
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
    expect(pkg.exports['./os-probes']).toEqual({
      types: './dist/os-probes.d.ts',
      default: './dist/os-probes.js',
    });
  });

  it('counts this process’s OS threads where /proc exists', () => {
    const n = countThreads();
    if (process.platform === 'linux') expect(n).toBeGreaterThanOrEqual(1);
    else expect(n === undefined || n >= 1).toBe(true);
  });

  it('sees a child process while it lives, and not once it has exited', async () => {
    const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000) /* os-probes-test */'], {
      stdio: 'ignore',
    });
    const pid = child.pid;
    expect(pid).toBeDefined();
    try {
      expect(await eventually(() => childPids().includes(pid as number), 10_000)).toBe(true);
      expect(isAlive(pid as number)).toBe(true);
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGKILL');
      await exited;
      expect(await eventually(() => !childPids().includes(pid as number), 10_000)).toBe(true);
      expect(isAlive(pid as number)).toBe(false);
    } finally {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    }
  }, 30_000);

  it('eventually answers false once its deadline passes with the probe still false', async () => {
    let calls = 0;
    expect(await eventually(() => ++calls < 0, 50, 10)).toBe(false);
    expect(calls).toBeGreaterThan(1);
  });
});
