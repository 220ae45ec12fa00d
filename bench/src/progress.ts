/**
 * Progress on stderr while the bench runs: a cli-progress bar on a terminal; one line per finished unit
 * otherwise (CI logs), so a slow or stuck unit is visible either way. Results go to stdout and files only.
 */
import cliProgress from 'cli-progress';

/** Where the bench reports progress. */
export interface Progress {
  /** Sets the total number of units. */
  start(total: number): void;
  /** One unit finished; `label` names it, `note` is its short outcome. */
  tick(label: string, note: string): void;
  stop(): void;
}

/**
 * A progress reporter on stderr (bar on a TTY, lines otherwise).
 *
 * @example
 * ```ts
 * const progress = stderrProgress();
 * progress.start(10); progress.tick('latency × piscina', 'p50 0.05 ms'); progress.stop();
 * ```
 */
export function stderrProgress(stream: NodeJS.WriteStream = process.stderr): Progress {
  if (stream.isTTY) {
    const bar = new cliProgress.SingleBar(
      {
        stream,
        format: ' {bar} {value}/{total} units | {duration_formatted} | {label}',
        hideCursor: true,
        clearOnComplete: true,
        barsize: 30,
      },
      cliProgress.Presets.shades_classic,
    );
    return {
      start: (total) => bar.start(total, 0, { label: 'starting' }),
      tick: (label, note) => bar.increment(1, { label: `${label}: ${note}`.slice(0, 70) }),
      stop: () => bar.stop(),
    };
  }
  let total = 0;
  let done = 0;
  const started = performance.now();
  return {
    start: (n) => {
      total = n;
    },
    tick: (label, note) => {
      done++;
      const s = ((performance.now() - started) / 1000).toFixed(0);
      stream.write(`[${done}/${total} ${s}s] ${label}: ${note}\n`);
    },
    stop: () => {},
  };
}

/**
 * A reporter that shows nothing (tests, `--silent`).
 *
 * @example
 * ```ts
 * await runBench({ ...options, progress: silentProgress() });
 * ```
 */
export function silentProgress(): Progress {
  return { start() {}, tick() {}, stop() {} };
}
