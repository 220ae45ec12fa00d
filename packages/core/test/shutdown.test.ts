import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { shutdown, shutdownOnSignals } from '../src/shutdown.js';
import { WaitGroup } from '../src/wait-group.js';
import { InProcessDriver } from './fixtures/in-process-driver.js';
import { slow } from './fixtures/tasks.js';

describe('shutdown', () => {
  it('aborts every running group before closing the drivers', async () => {
    const a = new WaitGroup({ driver: new InProcessDriver() });
    const b = new WaitGroup({ driver: new InProcessDriver() });
    a.go(slow, 5_000);
    b.go(slow, 5_000);
    await shutdown('maintenance');
    for (const wg of [a, b]) {
      expect((await wg.wait())[0]).toMatchObject({
        ok: false,
        error: { kind: 'aborted', message: 'maintenance' },
      });
    }
  });

  it('shutdownOnSignals: SIGTERM aborts running slots, then the process ends by the signal', async () => {
    const child = spawn(process.execPath, [new URL('./fixtures/sigterm-app.mjs', import.meta.url).pathname], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('READY')) child.kill('SIGTERM');
    });
    const [code, signal] = await new Promise<[number | null, string | null]>((resolve) => {
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      child.on('exit', (c, s) => {
        clearTimeout(timer);
        resolve([c, s]);
      });
    });
    expect(out).toContain('SETTLED aborted received SIGTERM');
    expect(signal).toBe('SIGTERM');
    expect(code).toBeNull();
  }, 20_000);

  it('validates its signals', () => {
    expect(() => shutdownOnSignals(['TERM' as NodeJS.Signals])).toThrow(/signal names/);
  });
});
