// A host that exits or is killed by a catchable signal takes its commands' process groups with it
// (they are detached, so they would not die with its terminal otherwise).
import { spawn } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { signalTarget, targetAlive } from '../src/process-group.js';
import { fixture, killAll, node, processesWith, uniqueSleep, until } from './helpers/processes.js';

const markers: string[] = [];
afterEach(() => {
  for (const marker of markers.splice(0)) killAll(marker);
});

describe('process groups', () => {
  for (const how of ['SIGTERM', 'SIGINT', 'process.exit'] as const) {
    it(`a host ending by ${how} leaves no command running`, async () => {
      const seconds = uniqueSleep();
      markers.push(seconds);
      // The marker goes by env: in the host's argv it would count as a leftover itself.
      const host = spawn(node, [fixture('pool-parent.mjs'), how === 'process.exit' ? 'exit' : 'wait'], {
        stdio: ['ignore', 'pipe', 'inherit'],
        env: { ...process.env, SLEEP_SECONDS: seconds },
      });
      const exited = new Promise((resolve) => host.once('close', resolve));
      expect(await until(() => processesWith(seconds).length === 2, 30_000)).toBe(true);
      if (how !== 'process.exit') host.kill(how);
      await exited;
      expect(
        await until(() => processesWith(seconds).length === 0, 10_000),
        `left running: ${processesWith(seconds).join(', ')}`,
      ).toBe(true);
    }, 60_000);
  }

  it('signalTarget and targetAlive report a group or a process that is gone', () => {
    expect(targetAlive(-(2 ** 22 + 12_345))).toBe(false);
    expect(signalTarget(-(2 ** 22 + 12_345), 'SIGTERM')).toBe(false);
    expect(targetAlive(2 ** 22 + 12_345)).toBe(false);
    expect(targetAlive(process.pid)).toBe(true);
  });
});
