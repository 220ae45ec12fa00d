/**
 * afterChildDrained: a dead child's death is reported only once its last IPC messages and the end of
 * its stderr are in — and no later than the bound, when a grandchild holds the stderr pipe open.
 */
import { fork } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { afterChildDrained } from '../../src/driver-kit/child-drain.js';

// The child waits for its own write to be handed to the pipe (Node 24 may not block on a pipe write, and
// process.exit() drops what is still buffered in the child); up to a pipe's capacity can still be unread
// by the parent when the exit event comes, which is what the drain must wait for.
const LAST_WORDS = `
  process.stderr.write('x'.repeat(200000) + 'THE END', () => process.send('bye', () => process.exit(3)));
`;
const GRANDCHILD_HOLDS_STDERR = `
  const grandchild = require('node:child_process').spawn(process.execPath, ['-e', 'setTimeout(() => {}, 20000)'], {
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  grandchild.unref();
  process.send(grandchild.pid, () => process.exit(0));
`;

const dir = mkdtempSync(join(tmpdir(), 'isolane-drain-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let scripts = 0;

function start(source: string) {
  const file = join(dir, `child-${++scripts}.cjs`);
  writeFileSync(file, source);
  return fork(file, [], { stdio: ['ignore', 'ignore', 'pipe', 'ipc'] });
}

describe('afterChildDrained', () => {
  it('calls back after the last message and the whole of stderr, once', async () => {
    const child = start(LAST_WORDS);
    let stderr = '';
    const messages: unknown[] = [];
    child.stderr?.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    child.on('message', (m) => messages.push(m));
    const seen = await new Promise<{ stderr: string; messages: unknown[]; calls: number }>((resolve) => {
      let calls = 0;
      child.once('exit', () =>
        afterChildDrained(child, child.stderr, 10_000, () => {
          calls++;
          setTimeout(() => resolve({ stderr, messages: [...messages], calls }), 50);
        }),
      );
    });
    expect(seen.calls).toBe(1);
    expect(seen.messages).toEqual(['bye']);
    expect(seen.stderr.endsWith('THE END')).toBe(true);
  }, 30_000);

  it('gives up after the bound when a grandchild keeps stderr open', async () => {
    const child = start(GRANDCHILD_HOLDS_STDERR);
    let grandchild = 0;
    child.on('message', (pid) => {
      grandchild = pid as number;
    });
    const waited = await new Promise<number>((resolve) => {
      child.once('exit', () => {
        const since = performance.now();
        afterChildDrained(child, child.stderr, 300, () => resolve(performance.now() - since));
      });
    });
    if (grandchild > 0) process.kill(grandchild, 'SIGKILL'); // it was only there to hold the pipe
    child.stderr?.destroy();
    expect(grandchild).toBeGreaterThan(0);
    expect(waited).toBeGreaterThanOrEqual(250);
    expect(waited).toBeLessThan(15_000);
  }, 30_000);
});
