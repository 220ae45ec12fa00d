/**
 * The conformance cases of task output (issue 12): everything a task wrote before its slot settled has
 * reached this process's streams when `wait()` resolves, when the driver's `close()` resolves right
 * after, and before a script that simply ends exits — line for line, with many tasks, many small
 * tasks, and a large volume. Output is counted by a unique marker: on this process's `process.stderr`
 * (where every driver forwards a task's stderr) for the in-process cases, and on a fresh Node process's
 * stdout for the script that ends.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { WaitGroup } from '../wait-group.js';
import type { ConformanceCase } from './cases.js';
import { runNode } from './run-node.js';

/** Lines per task of the many-lines scenarios (4 tasks). */
const LINES_PER_TASK = 2_000;
/** Megabytes one task writes to stderr in the large-volume case. */
const LARGE_MB = 20;

/** Writes `n` lines `<marker> <task> <i>` to the stream named `to`. */
const printLines = (to: 'stdout' | 'stderr', marker: string, task: number, n: number): number => {
  const stream = to === 'stdout' ? process.stdout : process.stderr;
  for (let i = 0; i < n; i++) stream.write(`${marker} ${task} ${i}\n`);
  return n;
};

/** Writes `mb` MB to stderr in lines of 1 KiB, each `<marker> <i> xxx…`. */
const printMegabytes = (marker: string, mb: number): number => {
  const lines = mb * 1024;
  for (let i = 0; i < lines; i++) {
    const head = `${marker} ${i} `;
    process.stderr.write(`${head}${'x'.repeat(1023 - head.length)}\n`);
  }
  return lines;
};

/** Lines of this process's stderr that carry a marker, gathered while it is patched. */
interface StderrTap {
  /** Complete lines seen so far that start with the marker. */
  lines(marker: string): string[];
  restore(): void;
}

/** Patches `process.stderr.write` to also keep every complete line (chunks may split lines). */
function tapStderr(): StderrTap {
  const stream = process.stderr;
  const original = Object.getOwnPropertyDescriptor(stream, 'write');
  const write = stream.write;
  let partial = '';
  const seen: string[] = [];
  stream.write = function tapped(this: NodeJS.WriteStream, chunk: unknown, ...rest: unknown[]): boolean {
    const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString('utf8');
    const parts = (partial + text).split('\n');
    partial = parts.pop() ?? '';
    for (const line of parts) if (line.startsWith('isolane-out-')) seen.push(line);
    // The marked lines are the test's, not the reader's: only the rest goes through.
    const other = parts.filter((line) => !line.startsWith('isolane-out-'));
    const callback = rest.find((r) => typeof r === 'function') as (() => void) | undefined;
    if (other.length > 0) return write.call(this, `${other.join('\n')}\n`, callback as never);
    if (callback) process.nextTick(callback);
    return true;
  } as typeof stream.write;
  return {
    lines: (marker) => seen.filter((line) => line.startsWith(`${marker} `)),
    restore() {
      if (original) Object.defineProperty(stream, 'write', original);
      else delete (stream as { write?: unknown }).write;
    },
  };
}

/** What is wrong with the lines `<marker> <task> <i>` of `tasks` tasks × `n` lines, or undefined. */
function missing(lines: readonly string[], tasks: number, n: number): string | undefined {
  const per = Array.from({ length: tasks }, () => 0);
  for (const line of lines) {
    const [, task, i] = line.split(' ');
    const t = Number(task);
    if (Number(i) !== per[t]) return `task ${t}: line ${i} came where line ${per[t]} was expected`;
    per[t] = (per[t] ?? 0) + 1;
  }
  const got = per.reduce((a, b) => a + b, 0);
  return got === tasks * n ? undefined : `${got} of ${tasks * n} lines arrived (per task: ${per.join(', ')})`;
}

const newMarker = (): string => `isolane-out-${randomUUID().slice(0, 8)}`;

/** Many tasks print many lines, and many tasks one line: all of it is there when `wait()` resolves. */
export const OUTPUT_LINES_CASE: ConformanceCase = {
  id: 'output-lines',
  title:
    'what tasks print reaches the parent before wait() and close() resolve (4 × 2,000 lines; 8 × 1 line, 5 rounds)',
  timeout: 120_000,
  async run(ctx) {
    const tap = tapStderr();
    try {
      const driver = ctx.driver({ concurrency: 4 });
      let marker = newMarker();
      const wg = new WaitGroup({ driver });
      for (let t = 0; t < 4; t++) wg.go(printLines, 'stderr', marker, t, LINES_PER_TASK);
      for (const r of await wg.wait()) assert.ok(r.ok, `a printing task failed: ${JSON.stringify(r)}`);
      assert.equal(missing(tap.lines(marker), 4, LINES_PER_TASK), undefined, '4 × 2,000 at wait()');
      await wg.close();
      for (let round = 0; round < 5; round++) {
        marker = newMarker();
        const small = new WaitGroup({ driver });
        for (let t = 0; t < 8; t++) small.go(printLines, 'stderr', marker, t, 1);
        await small.wait();
        assert.equal(missing(tap.lines(marker), 8, 1), undefined, `8 × 1 line, round ${round}`);
        await small.close();
      }
      // close() right after wait(): nothing is cut either.
      marker = newMarker();
      const last = new WaitGroup({ driver });
      for (let t = 0; t < 4; t++) last.go(printLines, 'stderr', marker, t, LINES_PER_TASK);
      await last.wait();
      await last.close();
      await driver.close();
      assert.equal(missing(tap.lines(marker), 4, LINES_PER_TASK), undefined, 'close() after wait()');
    } finally {
      tap.restore();
    }
  },
};

/** A large volume on stderr arrives whole, with back-pressure rather than loss. */
export const OUTPUT_LARGE_CASE: ConformanceCase = {
  id: 'output-large-stderr',
  title: `${LARGE_MB} MB a task writes to stderr arrive whole before wait() resolves`,
  timeout: 120_000,
  async run(ctx) {
    const tap = tapStderr();
    try {
      const marker = newMarker();
      const wg = new WaitGroup({ driver: ctx.driver() });
      wg.go(printMegabytes, marker, LARGE_MB);
      const [r] = await wg.wait();
      assert.ok(r?.ok, `the printing task failed: ${JSON.stringify(r)}`);
      const lines = tap.lines(marker);
      const bytes = lines.reduce((sum, line) => sum + line.length + 1, 0);
      assert.equal(bytes, LARGE_MB * 1024 * 1024, `${bytes} of ${LARGE_MB * 1024 * 1024} bytes arrived`);
      await wg.close();
    } finally {
      tap.restore();
    }
  },
};

/** A script that prints through tasks and simply ends (no close) exits with all of it written. */
export const OUTPUT_SCRIPT_ENDS_CASE: ConformanceCase = {
  id: 'output-script-ends',
  title:
    'a script whose tasks print and that simply ends (or closes right after wait) writes every line before it exits',
  timeout: 180_000,
  async run(ctx) {
    assert.ok(ctx.driverModule, 'this case needs the driver module URL');
    const core = JSON.stringify(new URL('../index.js', import.meta.url).href);
    const body = (marker: string, end: string) => `
      const { WaitGroup } = await import(${core});
      const { createDriver } = await import(${JSON.stringify(ctx.driverModule)});
      const print = (marker, task, n) => { for (let i = 0; i < n; i++) console.log(marker + ' ' + task + ' ' + i); return n; };
      const driver = createDriver({ concurrency: 4 });
      const wg = new WaitGroup({ driver });
      for (let t = 0; t < 4; t++) wg.go(print, ${JSON.stringify(marker)}, t, ${LINES_PER_TASK});
      for (let t = 4; t < 12; t++) wg.go(print, ${JSON.stringify(marker)}, t, 1);
      await wg.wait();
      ${end}`;
    for (const end of ['', 'await wg.close(); await driver.close();']) {
      const marker = newMarker();
      const { out, err, code } = await runNode(
        ['--input-type=module', '-e', body(marker, end)],
        process.cwd(),
        90_000,
      );
      assert.equal(code, 0, `the script failed: ${err.slice(-2000)}`);
      const lines = out.split('\n').filter((line) => line.startsWith(`${marker} `));
      const big = lines.filter((line) => Number(line.split(' ')[1]) < 4);
      const small = lines.filter((line) => Number(line.split(' ')[1]) >= 4);
      const how = end === '' ? 'a script that just ends' : 'close() right after wait()';
      assert.equal(missing(big, 4, LINES_PER_TASK), undefined, `${how}: 4 × 2,000 lines`);
      assert.equal(small.length, 8, `${how}: ${small.length} of 8 one-line tasks' lines arrived`);
    }
  },
};

/** Long lines of the whole-lines case: tasks × lines each, of this many bytes. */
const LONG = { tasks: 3, lines: 600, bytes: 5_000 } as const;

/**
 * What is wrong with the long lines `<marker> <task> <i> xxx…` found in `text`, or undefined: a line
 * carrying the marker must be whole (another task's bytes cut into it would break two lines), and every
 * one must be there, in order per task.
 */
function brokenLongLines(text: string, marker: string): string | undefined {
  const whole: string[] = [];
  const broken: string[] = [];
  for (const line of text.split('\n')) {
    if (!line.includes(marker)) continue;
    const [head, task, i, pad] = line.split(' ');
    const ok = head === marker && pad !== undefined && line.length === LONG.bytes - 1 && /^x+$/.test(pad);
    if (ok) whole.push(`${head} ${task} ${i}`);
    else broken.push(`${line.slice(0, 60)}… (${line.length} chars)`);
  }
  if (broken.length > 0) return `${broken.length} broken lines, e.g. ${broken.slice(0, 2).join(' | ')}`;
  return missing(whole, LONG.tasks, LONG.lines);
}

/**
 * Tasks running at once print long lines to stdout and stderr of a fresh Node process whose output is
 * read slowly (its pipes fill up): every line comes out whole — no task's bytes in the middle of
 * another's line — and none is missing.
 */
export const OUTPUT_WHOLE_LINES_CASE: ConformanceCase = {
  id: 'output-whole-lines',
  title: `tasks printing at once never cut each other's lines (${LONG.tasks} × ${LONG.lines} lines of ${LONG.bytes} bytes, slow reader)`,
  timeout: 180_000,
  async run(ctx) {
    assert.ok(ctx.driverModule, 'this case needs the driver module URL');
    const core = JSON.stringify(new URL('../index.js', import.meta.url).href);
    const marker = newMarker();
    const script = `
      const { WaitGroup } = await import(${core});
      const { createDriver } = await import(${JSON.stringify(ctx.driverModule)});
      const print = (marker, task, n, bytes) => {
        for (let i = 0; i < n; i++) {
          const head = marker + ' ' + task + ' ' + i + ' ';
          const line = head + 'x'.repeat(bytes - 1 - head.length) + '\\n';
          process.stdout.write(line);
          process.stderr.write(line);
        }
        return n;
      };
      const driver = createDriver({ concurrency: ${LONG.tasks} });
      const wg = new WaitGroup({ driver });
      for (let t = 0; t < ${LONG.tasks}; t++) wg.go(print, ${JSON.stringify(marker)}, t, ${LONG.lines}, ${LONG.bytes});
      const failed = (await wg.wait()).filter((r) => !r.ok);
      await driver.close();
      if (failed.length > 0) throw new Error('tasks failed: ' + JSON.stringify(failed));`;
    const run = await runNode(['--input-type=module', '-e', script], process.cwd(), 150_000, 1);
    assert.equal(run.code, 0, `the script failed: ${run.err.slice(-2000)}`);
    assert.equal(brokenLongLines(run.out, marker), undefined, 'stdout');
    assert.equal(brokenLongLines(run.err, marker), undefined, 'stderr');
  },
};

/** The output cases, in the order they run. */
export const OUTPUT_CASES: readonly ConformanceCase[] = [
  OUTPUT_LINES_CASE,
  OUTPUT_LARGE_CASE,
  OUTPUT_SCRIPT_ENDS_CASE,
  OUTPUT_WHOLE_LINES_CASE,
];
