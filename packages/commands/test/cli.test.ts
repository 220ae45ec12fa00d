// isolane-run end to end (the built CLI): prefixed output, summary table, exit code, bad flags, and
// Ctrl-C stopping every command's whole tree.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { killAll, node, processesWith, uniqueSleep, until } from './helpers/processes.js';

const cli = fileURLToPath(new URL('../dist/cli.js', import.meta.url));
const markers: string[] = [];
afterEach(() => {
  for (const marker of markers.splice(0)) killAll(marker);
});

function run(args: string[]) {
  const child = spawn(node, [cli, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => {
    stdout += d;
  });
  child.stderr.on('data', (d: Buffer) => {
    stderr += d;
  });
  const exit = new Promise<number | null>((resolve) => child.once('close', (code) => resolve(code)));
  return { child, exit, out: () => stdout, err: () => stderr };
}

describe('isolane-run', () => {
  it('prefixes output with keys, prints a summary, exits 1 when a command failed', async () => {
    const { exit, out, err } = run(['-c', '2', '-n', 'hi,bad', '--', 'echo hello; echo oops >&2', 'exit 3']);
    expect(await exit).toBe(1);
    expect(out()).toContain('[hi ] hello');
    expect(err()).toContain('[hi ] oops');
    expect(out()).toMatch(/^key\s+result\s+time\s+command$/m);
    expect(out()).toMatch(/^hi\s+ok\s+\d+ ms\s+echo hello; echo oops >&2$/m);
    expect(out()).toMatch(/^bad\s+exit 3\s+/m);
  }, 60_000);

  it('exits 0 when every command succeeded', async () => {
    const { exit, out } = run(['--no-summary', '--', 'echo one', 'echo two']);
    expect(await exit).toBe(0);
    expect(out().split('\n').sort()).toEqual(['', '[0] one', '[1] two']);
  }, 60_000);

  it('rejects a bad flag, naming it', async () => {
    const { exit, err } = run(['--concurrency', '0', '--', 'true']);
    expect(await exit).not.toBe(0);
    expect(err()).toContain("--concurrency must be an integer of at least 1, got '0'");
    const names = run(['--names', 'a', '--', 'true', 'true']);
    expect(await names.exit).not.toBe(0);
    expect(names.err()).toContain('--names must give 2 distinct non-empty names');
  }, 60_000);

  it('SIGINT stops every command and its children; exit code 130', async () => {
    const seconds = uniqueSleep();
    markers.push(seconds);
    const { child, exit, out } = run(['-k', '500', '--', `sleep ${seconds} & sleep ${seconds}; echo never`]);
    expect(await until(() => processesWith(seconds).length === 2, 30_000)).toBe(true);
    child.kill('SIGINT');
    expect(await exit).toBe(130);
    expect(out()).toMatch(/^0\s+aborted\s+/m);
    expect(await until(() => processesWith(seconds).length === 0, 10_000)).toBe(true);
  }, 60_000);
});
