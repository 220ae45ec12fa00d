/**
 * The shape of a bench run, as written by `--json` and described by `schema/bench-result.v1.json`
 * (version 1). The renderers (table, Markdown, SVG) read only this, so a saved JSON can be re-rendered
 * and compared across machines. Times are milliseconds unless a field says otherwise.
 */
import type { MessagesResult } from './measures/messages.js';
import type { Plan } from './plan.js';
import type { Stats } from './stats.js';
import type { SubjectDescription } from './subjects/subject.js';

/** The measures of a run, in the order `all` runs them. */
export const MEASURES = ['latency', 'throughput', 'scaling', 'isolation', 'messages'] as const;
export type MeasureName = (typeof MEASURES)[number];

/** The machine and runtime a run was measured on. */
export interface MachineInfo {
  readonly platform: string;
  readonly arch: string;
  readonly osRelease: string;
  readonly cpuModel: string;
  /** `os.availableParallelism()`. */
  readonly cores: number;
  readonly totalMemoryMb: number;
  readonly node: string;
  readonly v8: string;
  /** 1-minute load average when the run started and ended: other work on the machine skews timings. */
  readonly loadAverage: { readonly start: number; readonly end: number };
}

/** A subject as listed in the result, available or not. */
export interface SubjectInfo extends SubjectDescription {
  readonly available: boolean;
  /** Why a subject could not be measured (e.g. its package is not built). */
  readonly unavailableReason?: string;
}

/** A figure next to the same figure of a baseline row of the same run. */
export interface Comparison {
  readonly baseline: string;
  /** This row's value divided by the baseline's. */
  readonly ratio: number;
}

export interface LatencyRow {
  readonly subject: string;
  /** Open (pool/driver/worker) + first trivial task, each sample from scratch. */
  readonly cold: Stats | null;
  readonly coldNote?: string;
  /** Warm per-task round trip; what "warm" means depends on `warmMode`. */
  readonly warm: Stats | null;
  /** `sequential`: one task after the other on a warm session; `prespawned`: per-task models with a
   * worker started ahead, one task every `warmIntervalMs`. */
  readonly warmMode: 'sequential' | 'prespawned' | null;
  readonly warmIntervalMs?: number;
  readonly warmNote?: string;
  readonly coldVs?: Comparison;
  readonly warmVs?: Comparison;
  /**
   * Per-task isolane subjects: their cold samples were taken alternately with their cold baseline's,
   * in the same process, so the ratio holds even on a machine whose speed drifts between units.
   */
  readonly coldPaired?: PairedCold;
  /**
   * Pools (driver and peers): their warm samples were taken in alternating blocks with their warm baseline's, in
   * the same process (thread wake-up costs differ from process to process on some machines).
   */
  readonly warmPaired?: PairedWarm;
  /**
   * The paired ratio (`coldPaired` for per-task drivers, else `warmPaired`) of each fresh process the
   * subject was measured in; this row is the one with the median.
   */
  readonly pairedRatios?: readonly number[];
  /**
   * Isolane drivers: round trips on one long-lived group (go + take that one completion), taken in the
   * same rounds as `warm` — which, for a driver, is a new group per request (what a server does). Peers
   * have no group: their `warm` is the same `run()` call a server makes per request.
   */
  readonly reused?: Stats;
  /** `warm` p50 / `reused` p50: what a group made per request costs over a reused one. */
  readonly perRequestVsReused?: number;
  /** Isolane drivers: `new WaitGroup({ driver: name })` next to a structuredClone of a small object. */
  readonly construction?: GroupConstruction;
  /** Warm pools and their raw floors: the CPU their round trips and the idleness after them cost. */
  readonly spin?: SpinCost;
  readonly error?: string;
}

/** `new WaitGroup({ driver })` against `structuredClone` of a small object, ms per operation. */
export interface GroupConstruction {
  readonly driver: string;
  /** Operations per timed block (each sample is one block's mean). */
  readonly perBlock: number;
  readonly newGroup: Stats;
  readonly structuredClone: Stats;
  /** `newGroup` p50 / `structuredClone` p50. */
  readonly ratio: number;
}

/**
 * CPU time (this process's threads + its child processes) over sequential round trips and over an idle
 * period right after them.
 */
export interface SpinCost {
  /** Sequential per-request round trips in the burst. */
  readonly tasks: number;
  readonly burstMs: number;
  readonly burstCpuMs: number;
  /** CPU ms per 1,000 sequential round trips (caller and workers together). */
  readonly cpuMsPerThousand: number;
  /** The idle period observed after the burst. */
  readonly idleMs: number;
  /** CPU ms used over that idle period (includes the sampling itself). */
  readonly idleCpuMs: number;
  /** Time after the burst until the last sampling window with CPU above a fifth of a core (0: none). */
  readonly spinMs: number;
  /** Child processes whose CPU is included (a process pool's workers); 0 for thread pools. */
  readonly childProcesses: number;
  /** Length of one idle sampling window, ms (the resolution of `spinMs`). */
  readonly windowMs: number;
}

/** Warm round trips measured in alternation with the warm baseline (see `LatencyRow.warmPaired`). */
export interface PairedWarm {
  readonly baseline: string;
  /** The baseline's warm samples from the alternation. */
  readonly baselineWarm: Stats;
  /** This subject's warm p50 over the baseline's, from the alternation. */
  readonly ratio: number;
}

/** Cold starts measured in alternation with the cold baseline (see `LatencyRow.coldPaired`). */
export interface PairedCold {
  readonly baseline: string;
  /** The baseline's cold samples from the alternation. */
  readonly baselineCold: Stats;
  /** This subject's cold p50 over the baseline's, from the alternation. */
  readonly ratio: number;
  /** This subject's cold when its task module itself imports `@isolane/core/task` (in-module `defineTask`). */
  readonly taskImportsCore: Stats;
}

export interface ThroughputRow {
  readonly subject: string;
  readonly tasks: number;
  /** Tasks that succeeded (should equal `tasks`). */
  readonly ok: number;
  readonly ms: number;
  readonly tasksPerSecond: number;
  readonly vs?: Comparison;
  readonly error?: string;
}

export interface ScalingRow {
  readonly subject: string;
  /** Wall time of all tasks submitted at once. */
  readonly ms: number;
  /** Serial time / this row's time. */
  readonly speedup: number;
  readonly error?: string;
}

export interface CpuBatchRow {
  readonly subject: string;
  readonly ms: number;
  readonly tasksPerSecond: number;
  /** Time relative to raw piscina's (1.05 = 5% slower). */
  readonly vs?: Comparison;
  readonly error?: string;
}

export interface ScalingResult {
  readonly tasks: number;
  readonly taskMs: number;
  /** Iterations of the CPU task calibrated to `taskMs` on one core. */
  readonly iterations: number;
  /** The same tasks one after the other on one thread. */
  readonly serialMs: number;
  readonly rows: readonly ScalingRow[];
  readonly cpuBatch: {
    readonly tasks: number;
    readonly taskMs: number;
    readonly iterations: number;
    /** tasks x taskMs / cores: what perfect parallelism with zero overhead would take. */
    readonly idealMs: number;
    readonly rows: readonly CpuBatchRow[];
  };
}

/** What happened to the sacrificial process that hosted a probe. */
export type HostOutcome = 'ok' | 'killed' | 'hung' | 'error';

export interface ProbeInfo {
  readonly id: string;
  readonly category: 'state' | 'crash' | 'memory';
  readonly title: string;
  readonly description: string;
}

export interface ProbeRow {
  readonly subject: string;
  readonly probe: string;
  /** A word from the probe's vocabulary: isolated/leaks, snapshot/shared, contained/host killed/hung/..., or a size. */
  readonly verdict: string;
  /** True when the verdict is the protective outcome (isolated, snapshot, contained). Null for memory. */
  readonly safe: boolean | null;
  readonly detail: string;
  readonly host: HostOutcome;
  /** The measured quantity, when the probe measures one (MB per worker). */
  readonly value?: number;
  readonly ms: number;
}

export interface IsolationResult {
  readonly probes: readonly ProbeInfo[];
  readonly rows: readonly ProbeRow[];
}

/** A speed target from the driver issues, checked against this run's figures. */
export interface TargetRow {
  readonly id: string;
  readonly issue: number;
  readonly description: string;
  readonly measured: number | null;
  readonly comparator: '<=' | '>=';
  readonly limit: number;
  readonly unit: string;
  /** Null when a figure it needs was not measured in this run. */
  readonly met: boolean | null;
  readonly note?: string;
}

export interface BenchResult {
  readonly schema: 'isolane-bench-result';
  readonly schemaVersion: 1;
  readonly tool: { readonly name: string; readonly version: string };
  readonly command: string;
  readonly startedAt: string;
  readonly durationMs: number;
  readonly mode: 'full' | 'quick';
  readonly machine: MachineInfo;
  readonly plan: Plan;
  readonly subjects: readonly SubjectInfo[];
  readonly latency?: readonly LatencyRow[];
  readonly throughput?: readonly ThroughputRow[];
  readonly scaling?: ScalingResult;
  readonly isolation?: IsolationResult;
  /** Task→caller messages per second on the pool next to a raw MessagePort stream (issue 18). */
  readonly messages?: MessagesResult;
  readonly targets: readonly TargetRow[];
}
