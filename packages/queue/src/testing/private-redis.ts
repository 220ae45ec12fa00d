/**
 * A private Redis for tests and benches: a real `redis-server` on a free loopback port, its data in a temp
 * folder, started and stopped by its caller (never a system service). Where the system allows it (core's
 * parent-death guard), the server gets a parent-death signal, so a caller killed outright leaves nothing.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parentDeathGuard } from '@isolane/core/driver-kit';

/** A running private Redis. */
export interface PrivateRedis {
  readonly port: number;
  readonly url: string;
  readonly dir: string;
  /** Stops the server (SIGTERM, then SIGKILL) and keeps its data folder. */
  stop(): Promise<void>;
  /** Starts it again on the same port with the same data folder. */
  restart(): Promise<void>;
  /** Stops it and removes its data folder. */
  dispose(): Promise<void>;
}

/** How to install redis-server, for messages. */
export const INSTALL_REDIS_HINT = 'Debian/Ubuntu: apt-get install redis-server; macOS: brew install redis';

/**
 * The redis-server binary on PATH, or undefined when it is not installed.
 *
 * @example
 * ```ts
 * if (findRedisServer() === undefined) console.log('no Redis here: skipping');
 * ```
 */
export function findRedisServer(): string | undefined {
  try {
    const found = execFileSync('sh', ['-c', 'command -v redis-server'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim();
    return found === '' ? undefined : found;
  } catch {
    return undefined;
  }
}

/**
 * The redis-server binary, or a thrown Error saying how to install it.
 *
 * @example
 * ```ts
 * const bin = redisServerPath(); // '/usr/bin/redis-server'
 * ```
 */
export function redisServerPath(): string {
  const found = findRedisServer();
  if (found !== undefined) return found;
  throw new Error(
    `redis-server is not installed: a private Redis needs the real server (${INSTALL_REDIS_HINT}). .ci/run installs it.`,
  );
}

/**
 * The command and arguments that start `bin` so that it is killed when this process dies: core's
 * parent-death guard (`setpriv --pdeathsig KILL`, which execs the program under the same pid) where the
 * system has it; `bin` as is elsewhere.
 *
 * @example
 * ```ts
 * const [cmd, argv] = killedWithParent('redis-server', ['--port', '6390']);
 * spawn(cmd, argv);
 * ```
 */
export function killedWithParent(bin: string, args: readonly string[]): [string, string[]] {
  const guard = parentDeathGuard();
  return guard.kind === 'pdeathsig'
    ? [guard.setpriv, ['--pdeathsig', 'KILL', '--', bin, ...args]]
    : [bin, [...args]];
}

/**
 * A TCP port free on 127.0.0.1 right now.
 *
 * @example
 * ```ts
 * const port = await freePort();
 * ```
 */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/**
 * True when the server answers PING with PONG.
 *
 * @example
 * ```ts
 * await ping(6379); // true when a Redis listens there
 * ```
 */
export function ping(port: number, timeoutMs = 1_000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    let answer = '';
    const done = (ok: boolean) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(ok);
    };
    const timer = setTimeout(() => done(false), timeoutMs);
    socket.on('connect', () => socket.write('PING\r\n'));
    socket.on('data', (d) => {
      answer += d.toString();
      if (answer.includes('\r\n')) done(answer.startsWith('+PONG'));
    });
    socket.on('error', () => done(false));
  });
}

async function waitFor(probe: () => Promise<boolean>, ms: number, what: string): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * Starts a private redis-server (append-only file on, so a restart keeps the queue) and waits for PING.
 *
 * @example
 * ```ts
 * const redis = await startRedis();
 * afterAll(() => redis.dispose());
 * ```
 */
export async function startRedis(extra: readonly string[] = []): Promise<PrivateRedis> {
  const bin = redisServerPath();
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'isolane-redis-'));
  let child: ChildProcess | undefined;
  let log = '';
  const launch = async () => {
    log = '';
    const [command, argv] = killedWithParent(bin, [
      '--port',
      String(port),
      '--bind',
      '127.0.0.1',
      '--dir',
      dir,
      '--save',
      '',
      '--appendonly',
      'yes',
      '--appendfsync',
      'always',
      '--maxmemory-policy',
      'noeviction',
      '--daemonize',
      'no',
      '--protected-mode',
      'yes',
      ...extra,
    ]);
    const proc = spawn(command, argv, { stdio: ['ignore', 'pipe', 'pipe'] });
    child = proc;
    proc.stdout?.on('data', (d) => {
      log += d.toString();
    });
    proc.stderr?.on('data', (d) => {
      log += d.toString();
    });
    try {
      await waitFor(
        async () => {
          if (proc.exitCode !== null) throw new Error(`redis-server exited (${proc.exitCode}): ${log}`);
          return ping(port);
        },
        20_000,
        `redis-server on port ${port}`,
      );
    } catch (err) {
      proc.kill('SIGKILL');
      throw err;
    }
  };
  const stop = async () => {
    const proc = child;
    child = undefined;
    if (!proc || proc.exitCode !== null) return;
    const exited = new Promise<void>((r) => proc.once('exit', () => r()));
    proc.kill('SIGTERM');
    const timer = setTimeout(() => proc.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
  };
  await launch();
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    dir,
    stop,
    restart: async () => {
      await stop();
      await launch();
    },
    dispose: async () => {
      await stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
