/**
 * Parent death: a SIGKILLed parent's fork children must be gone within 2 s (whether they sleep or spin),
 * and a process that wires SIGTERM to `wg.abort()` + `shutdown()` must abort its tasks and exit on its
 * own (code 0, nothing keeping its event loop alive) with no child process or thread left, under every
 * driver.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { eventually, isAlive } from '@isolane/core/os-probes';
import { afterEach, describe, expect, it } from 'vitest';
import { DRIVERS } from '../src/index.js';

const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));

interface Parent {
  readonly child: ChildProcess;
  readonly pids: number[];
  output(): string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

const started: ChildProcess[] = [];
const orphans: number[] = [];

afterEach(async () => {
  // Clean up whatever a failed test left, so one failure cannot leak processes into the next.
  for (const child of started.splice(0))
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  for (const pid of orphans.splice(0)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
});

async function startParent(script: string, args: string[]): Promise<Parent> {
  const child = spawn(process.execPath, [fixture(script), ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  started.push(child);
  let out = '';
  let err = '';
  child.stdout!.on('data', (d: Buffer) => {
    out += d.toString();
  });
  child.stderr!.on('data', (d: Buffer) => {
    err += d.toString();
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.on('exit', (code, signal) => resolve({ code, signal }));
  });
  const ready = await eventually(() => /READY.*\n/.test(out) || child.exitCode !== null, 45_000);
  const line = /^(NOT )?READY ?(.*)$/m.exec(out);
  if (!ready || !line || line[1]) {
    throw new Error(
      `the parent did not get ready: stdout ${JSON.stringify(out)} stderr ${JSON.stringify(err.slice(-2000))}`,
    );
  }
  const pids = (line[2] ?? '').split(',').filter(Boolean).map(Number);
  orphans.push(...pids);
  return { child, pids, output: () => `stdout: ${out}\nstderr: ${err.slice(-2000)}`, exited };
}

describe('parent death', () => {
  for (const mode of ['sleep', 'spin']) {
    it(`SIGKILL of a parent whose fork children ${mode === 'spin' ? 'spin (busy, not reading IPC)' : 'sleep'}: children are gone within 2 s`, async () => {
      const parent = await startParent('hold-children.js', [mode, '2']);
      expect(parent.pids.length).toBe(2);
      expect(parent.pids.every(isAlive)).toBe(true);
      parent.child.kill('SIGKILL');
      await parent.exited;
      const killedAt = performance.now();
      const gone = await eventually(() => parent.pids.every((pid) => !isAlive(pid)), 2_000, 10);
      const alive = parent.pids.filter(isAlive);
      expect(
        gone,
        `children still alive ${Math.round(performance.now() - killedAt)} ms after the parent was SIGKILLed: ${alive.join(', ')}`,
      ).toBe(true);
    });
  }

  for (const name of DRIVERS) {
    it(`SIGTERM wired to wg.abort() + shutdown() under ${name}: tasks aborted, clean exit, nothing left`, async () => {
      const parent = await startParent('sigterm-parent.js', [name, '2']);
      parent.child.kill('SIGTERM');
      let timer: NodeJS.Timeout | undefined;
      const exit = await Promise.race([
        parent.exited,
        new Promise<undefined>((resolve) => {
          timer = setTimeout(() => resolve(undefined), 30_000);
        }),
      ]);
      clearTimeout(timer);
      expect(
        exit,
        `the process did not exit within 30 s of SIGTERM (something keeps it alive)\n${parent.output()}`,
      ).toBeDefined();
      expect(exit, parent.output()).toEqual({ code: 0, signal: null });
      expect(parent.output()).toContain('RESULTS aborted,aborted');
      // The parent exited cleanly after shutdown(); its children must follow (a leftover never would).
      const gone = await eventually(() => parent.pids.every((pid) => !isAlive(pid)), 10_000, 10);
      expect(gone, `children left: ${parent.pids.filter(isAlive).join(', ')}`).toBe(true);
    });
  }
});
