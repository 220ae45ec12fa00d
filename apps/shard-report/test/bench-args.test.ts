import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { shardArgLists } from '../dist/bench-args.js';

let dir: string | undefined;
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('shardArgLists', () => {
  it('seeds a missing database and gives one argument list per shard it holds', () => {
    dir = mkdtempSync(join(tmpdir(), 'shard-bench-args-'));
    const path = join(dir, 'events.sqlite');
    expect(shardArgLists(path, 3, 300)).toEqual([
      [path, 0],
      [path, 1],
      [path, 2],
    ]);
    // An existing file keeps its own shard count.
    expect(shardArgLists(path, 8, 300)).toHaveLength(3);
  });
});
