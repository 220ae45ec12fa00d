/**
 * Live per-shard progress on a terminal: one line, redrawn as the shards' tasks report
 * (`taskContext().progress()` in the task, the group's `onProgress` here), e.g.
 * `shards 3/8 done | 0 100% | 1 100% | 2 62% | 3 100% | 4 12% …`. Off a terminal it prints nothing:
 * logs get the report, not a stream of redraws.
 */
import type { ShardProgress } from './shard-steps.js';

/** Where shard progress is shown. */
export interface LiveProgress {
  /** A shard's task reported. */
  update(progress: ShardProgress): void;
  /** The report is done: the line is cleared. */
  done(): void;
}

/**
 * The progress line of `shards` on `stream` (stderr by default); silent when it is not a terminal.
 *
 * @example
 * ```ts
 * const live = liveProgress([0, 1, 2, 3]);
 * await runReport({ dbPath, shards: 4, onProgress: (p) => live.update(p) });
 * live.done();
 * ```
 */
export function liveProgress(
  shards: readonly number[],
  stream: NodeJS.WriteStream = process.stderr,
): LiveProgress {
  if (!stream.isTTY) return { update() {}, done() {} };
  const percent = new Map<number, number>(shards.map((s) => [s, 0]));
  let last = 0;
  const draw = (force: boolean): void => {
    const now = performance.now();
    if (!force && now - last < 50) return; // a redraw every 50 ms is live enough
    last = now;
    stream.write(`\r\x1b[K${progressLine(percent)}`.slice(0, (stream.columns ?? 120) + 4));
  };
  return {
    update(p) {
      percent.set(p.shard, p.of === 0 ? 100 : Math.floor((p.rows / p.of) * 100));
      draw(p.rows === p.of);
    },
    done() {
      stream.write('\r\x1b[K');
    },
  };
}

/**
 * The text of the progress line for shards' percentages.
 *
 * @example
 * ```ts
 * progressLine(new Map([[0, 100], [1, 40]])); // 'shards 1/2 done | 0 100% | 1 40%'
 * ```
 */
export function progressLine(percent: ReadonlyMap<number, number>): string {
  let done = 0;
  const parts: string[] = [];
  for (const [shard, p] of percent) {
    if (p >= 100) done++;
    parts.push(`${shard} ${p}%`);
  }
  return [`shards ${done}/${percent.size} done`, ...parts].join(' | ');
}
