/**
 * The stop check's census: a process is found by a marker at the start of one of its arguments
 * (argv[0] of `sleep`, an argument of `node -e`), not by a marker inside another argument (a host
 * script's source), and killMarked() ends what carries it.
 */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { eventually } from '@isolane/core/os-probes';
import { afterEach, describe, expect, it } from 'vitest';
import { parseVariantList } from '../src/drivers.js';
import { killMarked, markedAfter, markedPids } from '../src/marked-processes.js';

const marker = `reliability-test-${randomUUID()}`;

afterEach(() => killMarked(marker));

describe('marked processes', () => {
  it('finds marked children by argv[0] or an argument, ignores a marker inside a source, and kills them', async () => {
    const bySleep = spawn('sleep', ['600'], { argv0: `${marker}.a`, stdio: 'ignore' });
    const byNode = spawn(process.execPath, ['-e', 'setInterval(() => {}, 60000)', `${marker}.b`], {
      stdio: 'ignore',
      detached: true,
    });
    const inSource = spawn(process.execPath, ['-e', `setTimeout(() => {}, 60000); // ${marker}.c`], {
      stdio: 'ignore',
    });
    expect(await eventually(() => markedPids(marker).length === 2, 20_000)).toBe(true);
    expect(markedPids(marker).sort()).toEqual([bySleep.pid, byNode.pid].sort());
    expect(await markedAfter(marker, 100)).toHaveLength(2);
    killMarked(marker);
    expect(await markedAfter(marker, 10_000)).toEqual([]);
    inSource.kill('SIGKILL');
  }, 60_000);

  it('parses a variant list, naming an unknown one', () => {
    expect(parseVariantList('thread,pool-process').map((v) => v.label)).toEqual(['thread', 'pool-process']);
    expect(parseVariantList(undefined)).toHaveLength(5);
    expect(() => parseVariantList('pool-procs')).toThrow(/unknown driver variant "pool-procs"/);
  });
});
