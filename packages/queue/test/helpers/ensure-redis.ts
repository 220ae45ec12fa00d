/**
 * Vitest global setup: makes sure a `redis-server` binary exists before any queue test starts its private
 * server, so the README's test command works on a fresh machine that has only Node and npm. When the
 * binary is missing and the machine has Debian's apt (as root, or with password-less sudo), it is installed
 * from the distribution's packages (`apt-get update` first) — the same step `.ci/run` takes. Otherwise the
 * run stops with a message saying how to install it; the tests are never skipped.
 */
import { execFileSync, spawnSync } from 'node:child_process';

function has(command: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0;
}

function installWithApt(): string | undefined {
  if (!has('apt-get')) return 'apt-get is not available';
  const root = typeof process.getuid === 'function' && process.getuid() === 0;
  if (!root && spawnSync('sudo', ['-n', 'true'], { stdio: 'ignore' }).status !== 0)
    return 'not root and no password-less sudo';
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const run = (args: string[]): void => {
    const argv = root ? args : ['sudo', '-n', ...args];
    execFileSync(argv[0]!, argv.slice(1), { env, stdio: ['ignore', 'ignore', 'pipe'], timeout: 600_000 });
  };
  try {
    run(['apt-get', 'update', '-qq']);
    run(['apt-get', 'install', '-y', '-qq', '--no-install-recommends', 'redis-server']);
  } catch (err) {
    return `apt-get failed: ${(err as Error).message.split('\n')[0]}`;
  }
  return has('redis-server') ? undefined : 'apt-get finished but redis-server is still not on PATH';
}

/** Runs once before the queue tests. */
export default function setup(): void {
  if (has('redis-server')) return;
  process.stderr.write('@isolane/queue tests: redis-server not found; installing it from Debian packages\n');
  const problem = installWithApt();
  if (problem !== undefined) {
    throw new Error(
      `redis-server is not installed and could not be installed automatically (${problem}). The @isolane/queue tests start a private Redis and need the binary: Debian/Ubuntu: apt-get install redis-server; macOS: brew install redis.`,
    );
  }
}
