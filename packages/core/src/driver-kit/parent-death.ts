/**
 * How a child process (a `fork` child, a pool's worker process) dies with its parent even while its task is stuck in synchronous code (the IPC channel
 * only tells a child whose event loop turns). On Linux the kernel can do it: util-linux's `setpriv
 * --pdeathsig KILL` sets the child's parent-death signal, then execs Node in place — no extra process,
 * no thread, about half a millisecond. Where `setpriv` is missing (macOS, minimal images), or when
 * `ISOLANE_FORK_PDEATHSIG=0` turns it off, the child starts a small watchdog thread that polls its
 * parent pid instead.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';

/** How a child is guarded: through the kernel (`setpriv`), or by a watchdog thread in the child. */
export type ParentDeathGuard =
  | { readonly kind: 'pdeathsig'; readonly setpriv: string }
  | { readonly kind: 'thread' };

let probed: ParentDeathGuard | undefined;

/** The first `setpriv` on PATH (then the usual places) that supports `--pdeathsig`. */
function findSetpriv(path: string | undefined): string | undefined {
  const dirs = [...(path ?? '').split(delimiter).filter(Boolean), '/usr/bin', '/bin'];
  for (const dir of dirs) {
    const candidate = join(dir, 'setpriv');
    if (!existsSync(candidate)) continue;
    // Old util-linux versions lack the option; a probe run says so once per process. `node --version`
    // answers before V8 starts (~5 ms; a full `node -e ''` cost ~100 ms on a busy machine, paid by the
    // first task of every process).
    const probe = spawnSync(candidate, ['--pdeathsig', 'KILL', '--', process.execPath, '--version'], {
      stdio: 'ignore',
      timeout: 5_000,
    });
    return probe.status === 0 ? candidate : undefined;
  }
  return undefined;
}

/**
 * The guard children of this process get: `pdeathsig` on Linux with a `setpriv` that supports it
 * (looked for once per process), else `thread`.
 *
 * @example
 * ```ts
 * const guard = parentDeathGuard();
 * if (guard.kind === 'pdeathsig') fork(entry, args, { execPath: guard.setpriv, execArgv: pdeathsigArgv(guard, flags) });
 * ```
 */
export function parentDeathGuard(
  platform: NodeJS.Platform = process.platform,
  env: NodeJS.ProcessEnv = process.env,
): ParentDeathGuard {
  if (platform !== 'linux' || env.ISOLANE_FORK_PDEATHSIG === '0') return { kind: 'thread' };
  if (!probed) {
    const setpriv = findSetpriv(process.env.PATH);
    probed = setpriv ? { kind: 'pdeathsig', setpriv } : { kind: 'thread' };
  }
  return probed;
}

/**
 * The `execPath` and `execArgv` of a `fork()` whose child gets SIGKILL when this thread's process dies:
 * `setpriv --pdeathsig KILL -- node <flags>`.
 *
 * @example
 * ```ts
 * pdeathsigLaunch('/usr/bin/setpriv', ['--max-old-space-size=64']);
 * // { execPath: '/usr/bin/setpriv', execArgv: ['--pdeathsig', 'KILL', '--', '/usr/bin/node', '--max-old-space-size=64'] }
 * ```
 */
export function pdeathsigLaunch(
  setpriv: string,
  nodeFlags: readonly string[],
): { execPath: string; execArgv: string[] } {
  return { execPath: setpriv, execArgv: ['--pdeathsig', 'KILL', '--', process.execPath, ...nodeFlags] };
}
