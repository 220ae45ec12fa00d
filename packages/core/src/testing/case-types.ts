/**
 * The shapes of the conformance suite: what a case is, and what it gets to make drivers with.
 */
import type { Driver, DriverSettings } from '../driver.js';

/** What a case gets: a way to make drivers of the model under test (closed for it afterwards). */
export interface CaseContext {
  readonly name: string;
  /** Creates a driver; defaults: concurrency 2. Every driver is closed after the case. */
  driver(settings?: Partial<DriverSettings>): Driver;
  /** How many tasks the `many-tasks` case runs. */
  readonly manyTasks: number;
  /** URL of the module exporting `createDriver(settings)`, for cases that need a fresh process. */
  readonly driverModule?: string;
}

/** One conformance case. */
export interface ConformanceCase {
  readonly id: string;
  readonly title: string;
  /** Generous per-case time limit, ms. */
  readonly timeout: number;
  /**
   * How long a sacrificial child running this case (for a model that cannot pass it) may take before it
   * is called hung (not passing); default the case's timeout, at most 30 s. Set it only for a case whose
   * passing run ends in a few seconds, with a wide margin over that: the hang it waits for is endless.
   */
  readonly childLimitMs?: number;
  /**
   * The sacrificial child's heap limit (`--max-old-space-size`, MiB), for a case that runs its host out
   * of memory where the model cannot enforce `memoryLimitMb`: the host dies the same way, without
   * first filling Node's default heap of several GiB.
   */
  readonly childHeapMb?: number;
  run(ctx: CaseContext): Promise<void>;
}
