/**
 * Progress on stderr while the bench runs: a cli-progress bar on a terminal; lines otherwise (CI logs).
 * Either way it names the unit in progress (not the last finished one, so a long unit does not look
 * stuck), the elapsed time and an estimate of the time left. Results go to stdout and files only.
 */
import cliProgress from 'cli-progress';

/** Where the bench reports progress. */
export interface Progress {
  /** Sets the total number of units. */
  start(total: number): void;
  /** A unit starts; `label` names it. */
  begin?(label: string): void;
  /** One unit finished; `label` names it, `note` is its short outcome. */
  tick(label: string, note: string): void;
  /**
   * The unit `label` reports how far it got (a task's `taskContext().progress()`, through its group's
   * `onProgress`): shown next to its name while it runs.
   */
  note?(label: string, text: string): void;
  stop(): void;
}

/**
 * Seconds as `42 s` or `3 min 05 s`.
 *
 * @example
 * ```ts
 * formatSeconds(185); // '3 min 05 s'
 * ```
 */
export function formatSeconds(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s} s`;
  return `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, '0')} s`;
}

/**
 * Elapsed and estimated remaining time after `done` of `total` units (`?` before the first finishes).
 *
 * @example
 * ```ts
 * timing(30_000, 3, 10); // '30 s elapsed, ~1 min 10 s left'
 * ```
 */
export function timing(elapsedMs: number, done: number, total: number): string {
  const elapsed = formatSeconds(elapsedMs / 1000);
  if (done === 0) return `${elapsed} elapsed, time left: ?`;
  const left = ((elapsedMs / done) * Math.max(0, total - done)) / 1000;
  return `${elapsed} elapsed, ~${formatSeconds(left)} left`;
}

/**
 * A progress reporter on stderr (bar on a TTY, lines otherwise).
 *
 * @example
 * ```ts
 * const progress = stderrProgress();
 * progress.start(10); progress.begin?.('latency piscina'); progress.tick('latency piscina', 'p50 0.05 ms'); progress.stop();
 * ```
 */
export function stderrProgress(stream: NodeJS.WriteStream = process.stderr): Progress {
  let total = 0;
  let done = 0;
  const running: string[] = [];
  /** The latest progress text of each running unit. */
  const notes = new Map<string, string>();
  const started = performance.now();
  const now = (): string => {
    const shown = running.map((l) => (notes.has(l) ? `${l} (${notes.get(l)})` : l));
    // A unit that reports without having said it began is shown too, until it ends.
    for (const [l, text] of notes) if (!running.includes(l)) shown.push(`${l} (${text})`);
    return shown.join(', ') || 'finishing';
  };
  const forget = (label: string): void => {
    notes.delete(label);
    const i = running.indexOf(label);
    if (i >= 0) running.splice(i, 1);
  };
  if (stream.isTTY) {
    const bar = new cliProgress.SingleBar(
      {
        stream,
        format: ' {bar} {value}/{total} units | {timing} | now: {label}',
        hideCursor: true,
        clearOnComplete: true,
        barsize: 20,
      },
      cliProgress.Presets.shades_classic,
    );
    const payload = () => ({
      label: now().slice(0, 60),
      timing: timing(performance.now() - started, done, total),
    });
    // The bar redraws on its own, so the elapsed time moves while a long unit runs.
    let timer: NodeJS.Timeout | undefined;
    return {
      start: (n) => {
        total = n;
        bar.start(n, 0, payload());
        timer = setInterval(() => bar.update(payload()), 1000);
        timer.unref();
      },
      begin: (label) => {
        running.push(label);
        bar.update(payload());
      },
      tick: (label) => {
        done++;
        forget(label);
        bar.increment(1, payload());
      },
      note: (label, text) => {
        notes.set(label, text);
        bar.update(payload());
      },
      stop: () => {
        if (timer) clearInterval(timer);
        bar.stop();
      },
    };
  }
  const lastNote = new Map<string, number>();
  return {
    start: (n) => {
      total = n;
    },
    begin: (label) => {
      running.push(label);
      stream.write(
        `[${done}/${total} ${timing(performance.now() - started, done, total)}] running ${label}\n`,
      );
    },
    tick: (label, note) => {
      done++;
      forget(label);
      stream.write(
        `[${done}/${total} ${timing(performance.now() - started, done, total)}] ${label}: ${note}\n`,
      );
    },
    note: (label, text) => {
      // A log gets a line per unit and per second at most: not every report.
      const now = performance.now();
      if (now - (lastNote.get(label) ?? -Infinity) < 1_000) return;
      lastNote.set(label, now);
      stream.write(`  ${label}: ${text}\n`);
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
