#!/usr/bin/env node
/**
 * `isolane-bench`: measures the four isolane drivers and the peers people use instead, side by side in
 * one run, and prints the comparison (terminal table), optionally written as JSON (versioned schema),
 * Markdown and SVG charts. Every figure comes from this run; nothing is copied from elsewhere.
 */
import { writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { Command, Option } from 'commander';
import { killAllChildren } from './child/run-in-child.js';
import { checkOutputPaths, makeDirs, type OutputWrite, writeOutputs } from './output-paths.js';
import { PROBES } from './probes/probe-list.js';
import { stderrProgress } from './progress.js';
import { readResult, validateFile, writeJson } from './report/json.js';
import { renderMarkdown } from './report/markdown.js';
import { writeSection } from './report/per-request-section.js';
import { writeCharts } from './report/svg.js';
import { renderTerminal } from './report/table.js';
import { MEASURES, type MeasureName } from './result.js';
import { runBench } from './run-bench.js';
import { DRIVER_FAMILIES, PEER_FAMILIES } from './subjects/catalogue.js';
import { addTaskCommands } from './task/task-command.js';

const MEASURE_HELP: Record<MeasureName, string> = {
  latency:
    'cold start (open a fresh pool/driver/worker + first trivial task, each sample from scratch) and warm ' +
    'round trip (one trivial task at a time on a warm session, after a warm-up), p50/p95/p99/min/max. ' +
    'Per-task models (thread, fork, raw new Worker, raw fork) are cold on every task; their warm figure ' +
    "is with a prespawned worker and one task every 150 ms. An isolane driver's warm figure is a new " +
    'WaitGroup per request (what a server does), next to one reused group taken in the same rounds, and ' +
    "new WaitGroup({ driver }) next to a small structuredClone; a peer's warm figure is its per-request " +
    'run() call. Warm pools and raw ping-pongs also report the CPU of 1,000 round trips and of the idle ' +
    'time after them (spin-poll), this process and its child processes together.',
  throughput:
    'many trivial tasks in flight at once through one session (one WaitGroup for isolane), tasks/s: ' +
    '100,000 for pools and in-process subjects, 150 (thread) / 40 (process) for per-task models, ' +
    '10,000 through 2 queue workers (queue, raw BullMQ; 2,000 with --quick).',
  scaling:
    'CPU-bound tasks (8 x ~250 ms of calibrated work) submitted at once; speedup over the same tasks run ' +
    'serially on one thread (the "OS-level parallelism" column), best of 2. Also 10,000 tasks of ~1 ms CPU ' +
    'through the pool driver and through raw piscina with the same thread count (what the layer adds).',
  isolation:
    'probes, each in a sacrificial child process with a hard timeout: global / prototype / process.env ' +
    'leaks between tasks, argument snapshot, process.exit, async uncaught throw, unhandled rejection, ' +
    'throw after return, out of memory, infinite loop + timeout, a native crash (SIGSEGV) (contained, siblings failed, stopped ' +
    'serving, not detected, hung, host killed), and memory per worker (RSS).',
  messages:
    'task -> caller messages per second: a running pool task sends 100,000 small messages through ' +
    'taskContext().send() (20,000 with --quick), the caller reads them with wg.messages(slot); next to a raw ' +
    'MessagePort stream from a warm new Worker (no window) and the pool of processes; alternating rounds, medians.',
};

const MEASURE_SUMMARY: Record<MeasureName, string> = {
  latency: 'cold start and warm round trip (per request, reused group) of a trivial task; spin-poll CPU',
  throughput: 'many trivial tasks in flight, tasks/s',
  scaling: 'CPU-bound tasks at once: speedup over serial; 1 ms CPU tasks vs raw piscina',
  isolation: 'state, crash and memory probes, each in a sacrificial process',
  messages: 'task -> caller messages/s on the pool vs a raw MessagePort stream',
};

function list(value: string): string[] {
  if (value === 'none' || value === '') return [];
  return value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

interface RunFlags {
  quick?: boolean;
  drivers?: string[];
  peers?: string[];
  probes?: string[];
  json?: string;
  md?: string;
  svg?: string;
  table?: boolean;
  progress?: boolean;
  wide?: boolean;
  targets?: boolean;
}

async function run(command: string, measures: readonly MeasureName[], flags: RunFlags): Promise<void> {
  // Every output path is checked before minutes of measuring, not after.
  checkOutputPaths(flags);
  const result = await runBench({
    command,
    measures,
    quick: flags.quick === true,
    ...(flags.drivers ? { drivers: flags.drivers } : {}),
    ...(flags.peers ? { peers: flags.peers } : {}),
    ...(flags.probes ? { probes: flags.probes } : {}),
    ...(flags.progress === false ? {} : { progress: stderrProgress() }),
  });
  if (flags.table !== false) {
    process.stdout.write(
      renderTerminal(result, {
        width: process.stdout.isTTY ? process.stdout.columns : undefined,
        wide: flags.wide === true,
        targets: flags.targets === true,
      }),
    );
  }
  const { json, svg, md } = flags;
  const writes: OutputWrite[] = [];
  if (json) {
    writes.push({
      option: '--json',
      path: json,
      write: () => {
        makeDirs(dirname(json));
        writeJson(result, json);
        return `wrote ${json} (validated against bench-result.v1)`;
      },
    });
  }
  if (svg) {
    writes.push({
      option: '--svg',
      path: svg,
      write: () => {
        makeDirs(svg);
        return `wrote ${writeCharts(result, svg).length} charts to ${svg}`;
      },
    });
  }
  if (md) {
    writes.push({
      option: '--md',
      path: md,
      write: () => {
        makeDirs(dirname(md));
        writeFileSync(
          md,
          renderMarkdown(result, {
            mdFile: md,
            targets: flags.targets === true,
            ...(svg ? { svgDir: svg } : {}),
          }),
        );
        return `wrote ${md}`;
      },
    });
  }
  if (writeOutputs(writes, result).failures.length > 0) process.exitCode = 1;
}

function addRunOptions(cmd: Command, withProbes: boolean): Command {
  cmd
    .option(
      '--quick',
      'a smoke run under a minute: fewer samples and tasks, shorter CPU tasks, and only the global, argument, exit and memory probes (unless --probes)',
    )
    .addOption(
      new Option(
        '--drivers <list>',
        `isolane drivers to measure, comma-separated, or "none" (${DRIVER_FAMILIES.join(', ')})`,
      ).argParser(list),
    )
    .addOption(
      new Option(
        '--peers <list>',
        `peers and raw baselines to measure, comma-separated, or "none" (${PEER_FAMILIES.join(', ')})`,
      ).argParser(list),
    );
  if (withProbes) {
    cmd.addOption(
      new Option(
        '--probes <list>',
        `isolation probes to run (${PROBES.map((p) => p.id).join(', ')})`,
      ).argParser(list),
    );
  }
  return cmd
    .option(
      '--json <file>',
      'write the result as JSON (schema bench/schema/bench-result.v1.json; validated before writing)',
    )
    .option('--md <file>', 'write the result as a Markdown document (tables, charts when --svg is given)')
    .option('--svg <dir>', 'write SVG bar charts into this directory')
    .option('--no-table', 'do not print the terminal table')
    .option(
      '--wide',
      'print every table column, however wide (default: fit the terminal, 100 columns when not a terminal)',
    )
    .option(
      '--targets',
      "also print the maintainers' speed targets (the driver issues' goals) and whether they were met",
    )
    .option('--no-progress', 'no progress on stderr');
}

const program = new Command();
program
  .name('isolane-bench')
  .description(
    'Measures the isolane drivers (cooperative, thread, fork, pool, queue) and the peers a user would pick instead ' +
      '(raw child_process.fork, raw new Worker, raw postMessage and child_process IPC ping-pongs, raw BullMQ, piscina, tinypool (threads and child_process), workerpool, ' +
      'poolifier, p-limit) side by side in one run. The queue rows start a private loopback redis-server (skipped ' +
      'when it is not installed). Each measurement runs in a fresh child process, one at a time.',
  )
  .addHelpText(
    'after',
    `\nMeasures:\n${MEASURES.map((m) => `  ${m.padEnd(11)} ${MEASURE_HELP[m]}`).join('\n\n')}\n\n` +
      `Probes:\n${PROBES.map((p) => `  ${p.id.padEnd(20)} ${p.description}`).join('\n')}\n\n` +
      'Examples:\n  isolane-bench all\n  isolane-bench all --quick --json /tmp/bench.json\n' +
      '  isolane-bench latency --drivers thread,fork --peers raw-worker,raw-fork\n' +
      '  isolane-bench all --md docs/isolation-models.md --svg docs/charts\n',
  );

addRunOptions(program.command('all').description('every measure, then the comparison table'), true).action(
  (flags: RunFlags) => run('all', MEASURES, flags),
);
for (const measure of MEASURES) {
  addRunOptions(
    program.command(measure).summary(MEASURE_SUMMARY[measure]).description(MEASURE_HELP[measure]),
    measure === 'isolation',
  ).action((flags: RunFlags) => run(measure, [measure], flags));
}
program
  .command('validate')
  .description('check a JSON result file against the bench-result.v1 schema (exit code 1 when invalid)')
  .argument('<file>', 'a file written by --json')
  .action((file: string) => {
    const problems = validateFile(file);
    if (problems.length > 0) {
      process.stderr.write(`${file} does not match bench-result.v1:\n  ${problems.join('\n  ')}\n`);
      process.exitCode = 1;
    } else {
      process.stdout.write(`${file} is a valid bench-result.v1\n`);
    }
  });

program
  .command('render')
  .description(
    'print a saved --json result as the terminal report; --md writes it as Markdown, --section writes its ' +
      'per-request figures (a group per request, a reused group, spin-poll CPU) into a Markdown file between ' +
      '<!-- per-request:begin --> / <!-- per-request:end --> (appended when it has no such markers)',
  )
  .argument('<file>', 'a file written by --json')
  .option('--md <file>', 'write the result as a Markdown document')
  .option('--section <file>', 'write the per-request block into this Markdown file')
  .option('--targets', "also list the driver issues' speed targets")
  .action((file: string, flags: { md?: string; section?: string; targets?: boolean }) => {
    const result = readResult(file);
    process.stdout.write(renderTerminal(result, { wide: true, targets: flags.targets === true }));
    if (flags.md) {
      writeFileSync(flags.md, renderMarkdown(result, { mdFile: flags.md, targets: flags.targets === true }));
      process.stderr.write(`wrote ${flags.md}\n`);
    }
    if (flags.section) {
      writeSection(result, flags.section);
      process.stderr.write(`wrote the per-request figures into ${flags.section}\n`);
    }
  });

addTaskCommands(program);

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    killAllChildren();
    process.exit(130);
  });
}

program.parseAsync(process.argv).then(
  // Shared drivers and bounded closes may leave timers; the run is over.
  () => process.exit(process.exitCode ?? 0),
  (err: unknown) => {
    killAllChildren();
    process.stderr.write(`isolane-bench: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  },
);
