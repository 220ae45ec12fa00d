/** Runs one unit inside its host process: the dispatch from a unit's kind to the measure or probe. */
import { measureLatency } from '../measures/latency.js';
import { measureMessages } from '../measures/messages.js';
import { measureCpuBatch, measureParallel, measureSerial } from '../measures/scaling.js';
import { measureThroughput } from '../measures/throughput.js';
import { probeById } from '../probes/probe-list.js';
import { subjectById } from '../subjects/catalogue.js';
import type { Unit } from './unit.js';

/**
 * Runs a unit and resolves with its plain-data result.
 *
 * @example
 * ```ts
 * await runUnit({ kind: 'throughput', subject: 'p-limit', plan }); // { subject: 'p-limit', tasksPerSecond: … }
 * ```
 */
export async function runUnit(unit: Unit): Promise<unknown> {
  switch (unit.kind) {
    case 'latency':
      return measureLatency(subjectById(unit.subject), unit.plan, subjectById);
    case 'throughput':
      return measureThroughput(subjectById(unit.subject), unit.plan);
    case 'serial':
      return measureSerial(unit.plan, unit.iterations);
    case 'scaling':
      return measureParallel(subjectById(unit.subject), unit.plan, unit.iterations);
    case 'cpu-batch':
      return measureCpuBatch(subjectById(unit.subject), unit.plan, unit.iterations);
    case 'probe':
      return probeById(unit.probe).run(subjectById(unit.subject), unit.plan);
    case 'messages':
      return measureMessages(unit.plan);
  }
}
