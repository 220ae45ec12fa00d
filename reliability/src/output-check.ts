/**
 * No lost line: a fresh Node process (a script of a few lines) runs many tasks that print numbered
 * lines to stdout and stderr, then either simply ends or closes its group right after `wait()`; every
 * line must come out of that process's stdout and stderr.
 */
import type { DriverVariant } from './drivers.js';
import { runHost } from './node-host.js';

/** Sizes of the output check. */
export interface OutputPlan {
  readonly tasks: number;
  readonly linesPerTask: number;
  readonly concurrency: number;
  /** Marker of this run, at the start of every printed line. */
  readonly runMarker: string;
}

/** What the output check of one variant found. */
export interface OutputOutcome {
  readonly delivered: number;
  readonly expected: number;
  readonly problems: readonly string[];
}

/** The host script: a group on the shared driver, `tasks` printing tasks, a `DONE` line, then the ending. */
function hostSource(
  variant: DriverVariant,
  plan: OutputPlan,
  marker: string,
  ending: 'ends' | 'close',
): string {
  const options = JSON.stringify({
    driver: variant.name,
    concurrency: plan.concurrency,
    config: false,
    timeout: 120_000,
    ...(variant.options ? { driverOptions: variant.options } : {}),
  });
  return `
import { WaitGroup } from '@isolane/core';
const wg = new WaitGroup(${options});
for (let t = 0; t < ${plan.tasks}; t++) {
  wg.go((marker, task, n) => {
    for (let i = 0; i < n; i++) {
      process.stdout.write(marker + ' out ' + task + ' ' + i + '\\n');
      process.stderr.write(marker + ' err ' + task + ' ' + i + '\\n');
    }
    return n;
  }, ${JSON.stringify(marker)}, t, ${plan.linesPerTask});
}
const results = await wg.wait();
${ending === 'close' ? 'await wg.close();' : ''}
const failed = results.filter((r) => !r.ok).map((r) => r.error.kind + ': ' + r.error.message);
process.stdout.write('DONE ' + JSON.stringify(failed) + '\\n');
`;
}

/** Lines of `text` that carry `marker` somewhere other than at their start: cut by another's output. */
function brokenLines(text: string, marker: string): number {
  let broken = 0;
  for (const line of text.split('\n')) if (line.includes(marker) && !line.startsWith(`${marker} `)) broken++;
  return broken;
}

/** Distinct expected lines of `stream` found in `text`. */
function countLines(text: string, marker: string, stream: 'out' | 'err', plan: OutputPlan): number {
  const seen = new Set<string>();
  const head = `${marker} ${stream} `;
  for (const line of text.split('\n')) if (line.startsWith(head)) seen.add(line.slice(head.length));
  let found = 0;
  for (let t = 0; t < plan.tasks; t++) {
    for (let i = 0; i < plan.linesPerTask; i++) if (seen.has(`${t} ${i}`)) found++;
  }
  return found;
}

/**
 * Runs the printing script twice on one variant (once ending on its own, once closing after wait())
 * and counts the lines its stdout and stderr delivered.
 *
 * @example
 * ```ts
 * const o = await outputCheck(variant, { tasks: 20, linesPerTask: 500, concurrency: 3, runMarker });
 * o.delivered === o.expected; // true when no line was lost
 * ```
 */
export async function outputCheck(variant: DriverVariant, plan: OutputPlan): Promise<OutputOutcome> {
  const problems: string[] = [];
  let delivered = 0;
  let expected = 0;
  for (const ending of ['ends', 'close'] as const) {
    const marker = `${plan.runMarker}.${variant.label}.${ending}`;
    const run = await runHost(hostSource(variant, plan, marker, ending), {}, 150_000);
    const perStream = plan.tasks * plan.linesPerTask;
    const out = countLines(run.out, marker, 'out', plan);
    const err = countLines(run.err, marker, 'err', plan);
    delivered += out + err;
    expected += 2 * perStream;
    const done = run.out.split('\n').find((l) => l.startsWith('DONE '));
    if (run.timedOut) problems.push(`script that ${ending}: killed after 150 s (a hang)`);
    else if (run.code !== 0)
      problems.push(`script that ${ending}: exit ${run.code ?? run.signal}: ${run.err.slice(-500)}`);
    if (done === undefined) problems.push(`script that ${ending}: no DONE line`);
    else if (done !== 'DONE []') problems.push(`script that ${ending}: failed slots ${done.slice(5, 400)}`);
    if (out < perStream)
      problems.push(`script that ${ending}: stdout delivered ${out} of ${perStream} lines`);
    if (err < perStream)
      problems.push(`script that ${ending}: stderr delivered ${err} of ${perStream} lines`);
    for (const [name, text] of [
      ['stdout', run.out],
      ['stderr', run.err],
    ] as const) {
      const broken = brokenLines(text, marker);
      if (broken > 0) problems.push(`script that ${ending}: ${broken} ${name} lines cut by other output`);
    }
  }
  return { delivered, expected, problems };
}
