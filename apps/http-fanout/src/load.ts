#!/usr/bin/env node
import { loadavg } from 'node:os';
/**
 * `http-fanout-load`: measures `/health` while `/report` is under load, once per driver, on loopback,
 * for a bounded time, and prints the table (optionally writing it as Markdown into a document).
 */
import { type DriverName, KNOWN_DRIVERS } from '@isolane/core';
import { Command, InvalidArgumentError } from 'commander';
import { markdownSection, textTable, writeSection } from './load/markdown.js';
import { DEFAULT_LOAD, type LoadRow, measureDriver } from './load/measure.js';

function integer(label: string, min: number, max: number) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < min || n > max) {
      throw new InvalidArgumentError(`${label} must be an integer from ${min} to ${max}`);
    }
    return n;
  };
}

/** One server to measure: a driver, optionally with its task concurrency (`pool:1`). */
interface Target {
  readonly driver: DriverName;
  readonly concurrency?: number;
}

function drivers(value: string): Target[] {
  return value.split(',').map((entry) => {
    const [name = '', cap] = entry.trim().split(':');
    if (!(KNOWN_DRIVERS as readonly string[]).includes(name)) {
      throw new InvalidArgumentError(`unknown driver "${name}" (known: ${KNOWN_DRIVERS.join(', ')})`);
    }
    if (cap === undefined) return { driver: name as DriverName };
    const concurrency = Number(cap);
    if (!Number.isInteger(concurrency) || concurrency < 1) {
      throw new InvalidArgumentError(`"${entry}": the concurrency after ":" must be an integer >= 1`);
    }
    return { driver: name as DriverName, concurrency };
  });
}

interface LoadFlags {
  drivers: Target[];
  duration: number;
  connections: number;
  healthRate: number;
  md?: string;
  baseline: boolean;
}

const program = new Command('http-fanout-load')
  .description('/health latency while /report is under load, per isolane driver (loopback, bounded)')
  .option(
    '--drivers <list>',
    "comma-separated drivers, each optionally with the server's task concurrency (pool:1)",
    drivers,
    [{ driver: 'cooperative' }, { driver: 'thread' }, { driver: 'pool' }, { driver: 'fork' }] as Target[],
  )
  .option(
    '--duration <s>',
    'seconds of load per driver',
    integer('--duration', 1, 300),
    DEFAULT_LOAD.durationS,
  )
  .option(
    '--connections <n>',
    '/report connections',
    integer('--connections', 1, 256),
    DEFAULT_LOAD.reportConnections,
  )
  .option(
    '--health-rate <n>',
    '/health requests per second',
    integer('--health-rate', 1, 10_000),
    DEFAULT_LOAD.healthRate,
  )
  .option('--no-baseline', 'skip the idle baseline (/health without /report load)')
  .option('--md <file>', 'write the table as Markdown (between http-fanout markers if the file has them)')
  .action(async (flags: LoadFlags) => {
    const settings = {
      ...DEFAULT_LOAD,
      durationS: flags.duration,
      reportConnections: flags.connections,
      healthRate: flags.healthRate,
    };
    const meta = {
      when: new Date(),
      loadAverage: loadavg()[0] ?? 0,
      command: ['node apps/http-fanout/dist/load.js', ...process.argv.slice(2)].join(' '),
    };
    const rows: LoadRow[] = [];
    const plan: [Target, boolean][] = [
      ...(flags.baseline ? [[flags.drivers[0]!, false] as [Target, boolean]] : []),
      ...flags.drivers.map((t): [Target, boolean] => [t, true]),
    ];
    for (const [{ driver, concurrency }, loaded] of plan) {
      const label = loaded ? `${driver}${concurrency ? `:${concurrency}` : ''}` : 'idle baseline';
      process.stderr.write(`measuring ${label} for ${settings.durationS} s…\n`);
      rows.push(await measureDriver(driver, settings, loaded, loaded ? concurrency : undefined));
    }
    console.log(textTable(rows));
    if (flags.md) {
      writeSection(flags.md, markdownSection(rows, settings, meta));
      process.stderr.write(`wrote ${flags.md}\n`);
    }
  });

await program.parseAsync();
