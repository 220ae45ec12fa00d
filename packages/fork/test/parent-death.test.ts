import { existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parentDeathGuard, pdeathsigLaunch } from '../src/parent-death.js';

const setprivOnPath = [...(process.env.PATH ?? '').split(delimiter), '/usr/bin', '/bin'].some(
  (dir) => dir && existsSync(join(dir, 'setpriv')),
);

describe('parent-death guard', () => {
  it('uses the kernel parent-death signal on Linux when setpriv is there, else a watchdog thread', () => {
    const guard = parentDeathGuard();
    if (process.platform === 'linux' && setprivOnPath) {
      expect(guard).toMatchObject({ kind: 'pdeathsig' });
      if (guard.kind === 'pdeathsig') expect(existsSync(guard.setpriv)).toBe(true);
    } else {
      expect(guard).toEqual({ kind: 'thread' });
    }
  });

  it('falls back to the watchdog thread off Linux and when ISOLANE_FORK_PDEATHSIG=0', () => {
    expect(parentDeathGuard('darwin')).toEqual({ kind: 'thread' });
    expect(parentDeathGuard('win32')).toEqual({ kind: 'thread' });
    expect(parentDeathGuard('linux', { ISOLANE_FORK_PDEATHSIG: '0' })).toEqual({ kind: 'thread' });
  });

  it('launches node through setpriv with the node flags after the separator', () => {
    expect(pdeathsigLaunch('/usr/bin/setpriv', ['--max-old-space-size=64'])).toEqual({
      execPath: '/usr/bin/setpriv',
      execArgv: ['--pdeathsig', 'KILL', '--', process.execPath, '--max-old-space-size=64'],
    });
  });
});
