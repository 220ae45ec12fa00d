#!/usr/bin/env node
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

function drivers(value: string): DriverName[] {
  const list = value.split(',').map((d) => d.trim());
  for (const d of list) {
    if (!(KNOWN_DRIVERS as readonly string[]).includes(d)) {
      throw new InvalidArgumentError(`unknown driver "${d}" (known: ${KNOWN_DRIVERS.join(', ')})`);
    }
  }
  return list as DriverName[];
}

interface LoadFlags {
  drivers: DriverName[];
  duration: number;
  connections: number;
  healthRate: number;
  md?: string;
  baseline: boolean;
}

const program = new Command('http-fanout-load')
  .description('/health latency while /report is under load, per isolane driver (loopback, bounded)')
  .option('--drivers <list>', 'comma-separated drivers', drivers, ['cooperative', 'thread', 'pool', 'fork'])
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
    const rows: LoadRow[] = [];
    const plan: [DriverName, boolean][] = [
      ...(flags.baseline ? [[flags.drivers[0]!, false] as [DriverName, boolean]] : []),
      ...flags.drivers.map((d): [DriverName, boolean] => [d, true]),
    ];
    for (const [driver, loaded] of plan) {
      process.stderr.write(`measuring ${loaded ? driver : 'idle baseline'} for ${settings.durationS} s…\n`);
      rows.push(await measureDriver(driver, settings, loaded));
    }
    console.log(textTable(rows));
    if (flags.md) {
      writeSection(flags.md, markdownSection(rows, settings, new Date()));
      process.stderr.write(`wrote ${flags.md}\n`);
    }
  });

await program.parseAsync();
