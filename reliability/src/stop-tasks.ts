/**
 * Module tasks of the stop check: each starts a child process carrying a marker in its command line,
 * records it, and then holds until it is stopped (timeout, abort, close). They live in `src` so they
 * compile to plain JavaScript in `dist`, which every driver's workers and children can import.
 */
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { defineTask, taskContext } from '@isolane/core';

/**
 * Starts `sleep 600` (with `marker` as its argv[0]) or a `node -e` that idles (with `marker` as an
 * argument), attached or `detached: true`; writes the child's pid to a file in `readyDir` once it
 * exists, then holds for ten minutes or until the task's signal fires.
 */
export const spawnAndHold = defineTask(
  import.meta.url,
  'spawnAndHold',
  async (marker: string, detached: boolean, useNode: boolean, readyDir: string) => {
    const child = useNode
      ? spawn(process.execPath, ['-e', 'setInterval(() => {}, 60000)', marker], { detached, stdio: 'ignore' })
      : spawn('sleep', ['600'], { argv0: marker, detached, stdio: 'ignore' });
    if (detached) child.unref();
    await new Promise<void>((resolve, reject) => {
      child.once('spawn', resolve);
      child.once('error', reject);
    });
    writeFileSync(join(readyDir, `${marker}.${child.pid}`), '');
    await sleep(600_000, undefined, { signal: taskContext().signal }).catch(() => undefined);
    return child.pid;
  },
);
