/**
 * Overhead per command of `@isolane/commands` next to a bare `execa()` call and a bare
 * `child_process.spawn()`, all running the same tiny command (`true`) one at a time, so what differs is
 * the per-command machinery. Each round runs a short block of commands per subject, subjects in
 * rotation (a shared machine's load drifts within seconds, so only neighbouring blocks compare); the
 * figure kept per subject is the median over rounds of its mean per command, and the ratio is the
 * median of per-round ratios to bare execa in the same round.
 *
 *   node --import tsx bench/overhead.ts [--commands 10] [--rounds 40] [--command true] [--json]
 */
import { spawn } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { parseArgs } from 'node:util';
import { execa } from 'execa';
import { CommandPool, runCommands } from '../src/index.js';

const { values } = parseArgs({
  options: {
    commands: { type: 'string', default: '10' },
    rounds: { type: 'string', default: '40' },
    command: { type: 'string', default: 'true' },
    json: { type: 'boolean', default: false },
  },
});
const perRound = positive(values.commands, '--commands');
const rounds = positive(values.rounds, '--rounds');
const file = values.command;

type Subject = { name: string; run: (n: number) => Promise<void> };

const subjects: Subject[] = [
  {
    name: 'child_process.spawn',
    run: async (n) => {
      for (let i = 0; i < n; i++) {
        await new Promise<void>((resolve, reject) => {
          const child = spawn(file, [], { stdio: ['ignore', 'pipe', 'pipe'] });
          child.stdout.on('data', () => {});
          child.stderr.on('data', () => {});
          child.once('error', reject);
          child.once('close', (code) => (code === 0 ? resolve() : reject(new Error(`exit ${code}`))));
        });
      }
    },
  },
  {
    // What a process group of its own costs by itself (setsid in the child; on Linux with scheduler
    // autogroups every new session also gets its own scheduling group).
    name: 'child_process.spawn, detached',
    run: async (n) => {
      for (let i = 0; i < n; i++) {
        await new Promise<void>((resolve, reject) => {
          const child = spawn(file, [], { stdio: ['ignore', 'pipe', 'pipe'], detached: true });
          child.stdout.on('data', () => {});
          child.stderr.on('data', () => {});
          child.once('error', reject);
          child.once('close', (code) => (code === 0 ? resolve() : reject(new Error(`exit ${code}`))));
        });
      }
    },
  },
  {
    name: 'execa',
    run: async (n) => {
      for (let i = 0; i < n; i++) await execa(file);
    },
  },
  {
    name: 'CommandPool (one pool, concurrency 1)',
    run: async (n) => {
      const pool = new CommandPool({ concurrency: 1 });
      for (let i = 0; i < n; i++) pool.add(`c${i}`, file);
      check(Object.values(await pool.wait()));
    },
  },
  {
    name: 'CommandPool, processGroup: false',
    run: async (n) => {
      const pool = new CommandPool({ concurrency: 1, processGroup: false });
      for (let i = 0; i < n; i++) pool.add(`c${i}`, file);
      check(Object.values(await pool.wait()));
    },
  },
  {
    name: 'runCommands (a pool per command)',
    run: async (n) => {
      for (let i = 0; i < n; i++) check(Object.values(await runCommands({ one: [file] })));
    },
  },
];

function check(results: Array<{ ok: boolean }>): void {
  if (!results.every((r) => r.ok)) throw new Error(`a command failed: ${JSON.stringify(results)}`);
}

// Warm-up: module loading, JIT, the exit hook.
for (const subject of subjects) await subject.run(10);

const perCommand = new Map<string, number[]>(subjects.map((s) => [s.name, []]));
const ratios = new Map<string, number[]>(subjects.map((s) => [s.name, []]));
// This process's CPU time per command (user + system): the library's own cost, which a loaded
// machine's scheduling delays (the bulk of the wall time of a tiny command) do not inflate as much.
const cpuPerCommand = new Map<string, number[]>(subjects.map((s) => [s.name, []]));
const cpuRatios = new Map<string, number[]>(subjects.map((s) => [s.name, []]));
for (let round = 0; round < rounds; round++) {
  const order = subjects.map((_, i) => subjects[(i + round) % subjects.length] as Subject);
  const means = new Map<string, number>();
  const cpu = new Map<string, number>();
  for (const subject of order) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    await subject.run(perRound);
    means.set(subject.name, (performance.now() - t0) / perRound);
    const used = process.cpuUsage(c0);
    cpu.set(subject.name, (used.user + used.system) / 1000 / perRound);
  }
  const base = means.get('execa') as number;
  const cpuBase = cpu.get('execa') as number;
  for (const [name, mean] of means) {
    perCommand.get(name)?.push(mean);
    ratios.get(name)?.push(mean / base);
    cpuPerCommand.get(name)?.push(cpu.get(name) as number);
    cpuRatios.get(name)?.push((cpu.get(name) as number) / cpuBase);
  }
  if ((round + 1) % 10 === 0) process.stderr.write(`round ${round + 1}/${rounds} done\n`);
}

const rows = subjects.map((s) => ({
  subject: s.name,
  msPerCommand: median(perCommand.get(s.name) ?? []),
  vsExeca: median(ratios.get(s.name) ?? []),
  ratiosPerRound: ratios.get(s.name) ?? [],
  cpuMsPerCommand: median(cpuPerCommand.get(s.name) ?? []),
  cpuVsExeca: median(cpuRatios.get(s.name) ?? []),
  cpuRatiosPerRound: cpuRatios.get(s.name) ?? [],
}));
if (values.json) {
  process.stdout.write(
    `${JSON.stringify({ node: process.version, cores: availableParallelism(), file, perRound, rounds, rows }, null, 2)}\n`,
  );
} else {
  process.stdout.write(
    `Node ${process.version}, ${availableParallelism()} cores; \`${file}\` × ${perRound} sequentially, ${rounds} rounds\n\n`,
  );
  process.stdout.write(
    '| subject | wall ms per command | × bare execa | middle half of the per-round ratios | parent CPU ms per command | × bare execa | middle half |\n|---|---|---|---|---|---|---|\n',
  );
  for (const row of rows) {
    const spread = (xs: number[]) => `${quantile(xs, 0.25).toFixed(2)}–${quantile(xs, 0.75).toFixed(2)}×`;
    process.stdout.write(
      `| ${row.subject} | ${row.msPerCommand.toFixed(2)} | ${row.vsExeca.toFixed(2)}× | ${spread(row.ratiosPerRound)} | ${row.cpuMsPerCommand.toFixed(2)} | ${row.cpuVsExeca.toFixed(2)}× | ${spread(row.cpuRatiosPerRound)} |\n`,
    );
  }
}

function median(xs: number[]): number {
  const sorted = [...xs].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

function quantile(xs: number[], q: number): number {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;
}

function positive(value: string | undefined, flag: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1)
    throw new RangeError(`${flag} must be a positive integer, got '${value}'`);
  return n;
}
