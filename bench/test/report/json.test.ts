import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { renderJson, validateFile, validateResult } from '../../src/report/json.js';
import type { BenchResult } from '../../src/result.js';
import { subjectById } from '../../src/subjects/catalogue.js';
import { describeSubject } from '../../src/subjects/describe-subject.js';
import { checkTargets } from '../../src/targets.js';
import { sampleResult } from '../fixtures/sample-result.js';

const run = promisify(execFile);
const CLI = new URL('../../dist/cli.js', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'isolane-bench-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the bench-result.v1 schema', () => {
  it('accepts a well-formed result', () => {
    expect(validateResult(JSON.parse(renderJson(sampleResult)))).toEqual([]);
  });

  it('accepts the rows of the pool of processes and its baselines, the SIGSEGV probe and the issue 17 targets', () => {
    const stats = { n: 300, min: 0.02, p50: 0.03, p95: 0.05, p99: 0.08, max: 0.4, mean: 0.035 };
    const withProcesses: BenchResult = {
      ...sampleResult,
      subjects: [
        ...sampleResult.subjects,
        ...['pool-process', 'raw-process-ping-pong', 'tinypool-process'].map((id) => ({
          ...describeSubject(subjectById(id)),
          available: true,
        })),
      ],
      latency: [
        ...(sampleResult.latency ?? []),
        {
          subject: 'pool-process',
          cold: stats,
          warm: stats,
          warmMode: 'sequential',
          coldVs: { baseline: 'raw-fork', ratio: 1.3 },
          warmVs: { baseline: 'raw-process-ping-pong', ratio: 1.05 },
          warmPaired: { baseline: 'raw-process-ping-pong', baselineWarm: stats, ratio: 1.05 },
          pairedRatios: [1.05],
        },
        {
          subject: 'raw-process-ping-pong',
          cold: null,
          coldNote: 'n/a',
          warm: stats,
          warmMode: 'sequential',
        },
      ],
      throughput: [
        ...(sampleResult.throughput ?? []),
        {
          subject: 'pool-process',
          tasks: 100_000,
          ok: 100_000,
          ms: 5_000,
          tasksPerSecond: 20_000,
          vs: { baseline: 'tinypool-process', ratio: 3.1 },
        },
      ],
      isolation: {
        probes: [
          ...(sampleResult.isolation?.probes ?? []),
          { id: 'segfault', category: 'crash', title: 'native crash (SIGSEGV)', description: 'SIGSEGV' },
        ],
        rows: [
          ...(sampleResult.isolation?.rows ?? []),
          {
            subject: 'pool-process',
            probe: 'segfault',
            verdict: 'contained',
            safe: true,
            detail: 'failing task failed (crashed: SIGSEGV)',
            host: 'ok',
            ms: 900,
          },
          {
            subject: 'thread',
            probe: 'segfault',
            verdict: 'host killed',
            safe: false,
            detail: 'the host process died (signal SIGSEGV)',
            host: 'killed',
            ms: 300,
          },
        ],
      },
    };
    const full = { ...withProcesses, targets: checkTargets(withProcesses) };
    expect(full.targets.find((t) => t.id === 'pool-process-warm')).toMatchObject({ met: true });
    expect(validateResult(JSON.parse(renderJson(full)))).toEqual([]);
  });

  it('rejects a wrong version, an unknown field and a malformed row, naming the path', () => {
    const bad = JSON.parse(renderJson(sampleResult)) as Record<string, unknown>;
    bad.schemaVersion = 2;
    bad.extra = true;
    (bad.throughput as Record<string, unknown>[])[0]!.tasksPerSecond = -1;
    const problems = validateResult(bad);
    expect(problems.some((p) => p.startsWith('/schemaVersion'))).toBe(true);
    expect(problems.some((p) => p.includes('additional properties') && p.includes('extra'))).toBe(true);
    expect(problems.some((p) => p.startsWith('/throughput/0/tasksPerSecond'))).toBe(true);
  });

  it('refuses to render a result that breaks its own schema', () => {
    const broken = { ...sampleResult, mode: 'fast' } as unknown as BenchResult;
    expect(() => renderJson(broken)).toThrow(/does not match its schema/);
  });

  it('validates a file and reports unreadable JSON', () => {
    const file = join(dir, 'garbage.json');
    writeFileSync(file, '{ nope');
    expect(validateFile(file)[0]).toMatch(/cannot read .* as JSON/);
  });
});

describe('a real --quick run of a tiny subset through the CLI', () => {
  it('writes JSON that matches the schema, Markdown and charts, and `validate` accepts it', async () => {
    const json = join(dir, 'quick.json');
    const md = join(dir, 'out', 'report.md');
    const svg = join(dir, 'out', 'charts');
    const { stdout } = await run(
      process.execPath,
      [
        CLI,
        'all',
        '--quick',
        '--drivers',
        'cooperative',
        '--peers',
        'p-limit',
        '--probes',
        'global,argument,exit',
        '--json',
        json,
        '--md',
        md,
        '--svg',
        svg,
        '--no-progress',
      ],
      { timeout: 60_000 },
    );
    expect(stdout).toContain('isolane cooperative');
    expect(stdout).toContain('p-limit 7');
    const result = JSON.parse(readFileSync(json, 'utf8')) as BenchResult;
    expect(validateResult(result)).toEqual([]);
    expect(result.mode).toBe('quick');
    expect(result.subjects.map((s) => s.id)).toEqual(['cooperative', 'p-limit']);
    expect(
      result.latency?.every((r) => r.warm !== null && r.warm.n === result.plan.latency.warmSamples),
    ).toBe(true);
    expect(result.throughput?.every((r) => r.ok === r.tasks && r.tasksPerSecond > 0)).toBe(true);
    expect(result.scaling?.rows.every((r) => r.speedup > 0)).toBe(true);
    const verdict = (subject: string, probe: string) =>
      result.isolation?.rows.find((r) => r.subject === subject && r.probe === probe)?.verdict;
    expect(verdict('cooperative', 'argument')).toBe('snapshot');
    expect(verdict('p-limit', 'argument')).toBe('shared');
    expect(verdict('p-limit', 'exit')).toBe('host killed');
    expect(readFileSync(md, 'utf8')).toContain('](charts/throughput.svg)');
    expect(readFileSync(join(svg, 'throughput.svg'), 'utf8')).toContain('<svg');
    const validated = await run(process.execPath, [CLI, 'validate', json]);
    expect(validated.stdout).toContain('is a valid bench-result.v1');
  }, 90_000);

  it('`validate` exits with 1 on an invalid file', async () => {
    const file = join(dir, 'invalid.json');
    writeFileSync(file, JSON.stringify({ schema: 'isolane-bench-result', schemaVersion: 1 }));
    await expect(run(process.execPath, [CLI, 'validate', file])).rejects.toMatchObject({ code: 1 });
  });
});
