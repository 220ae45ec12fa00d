/**
 * No ignored limit: a fresh host started with `--max-old-space-size=2048` (in `NODE_OPTIONS`) runs, on
 * an out-of-process driver with `memoryLimitMb: 64` and `maxResultMb: 1`, a task holding ~300 MiB of heap
 * (must fail `oom` naming 64) and a task returning ~3 MiB (must fail `unserializable`).
 */
import { DRIVER_VARIANTS, type DriverVariant } from './drivers.js';
import { distModule, runHost } from './node-host.js';

/** The host's own heap flag, far above the limit the driver must enforce. */
export const HOST_HEAP_MB = 2048;
/** The driver's `memoryLimitMb`. */
export const MEMORY_LIMIT_MB = 64;
/** MiB of heap the memory task holds. */
const HOLD_MB = 300;
/** The driver's `maxResultMb`, and the size (MiB) of the result that must be refused. */
const MAX_RESULT_MB = 1;
const RESULT_MB = 3;

/** What the limit check of one variant found: each outcome as `kind` (or `ok`). */
export interface LimitOutcome {
  readonly oom: string;
  readonly result: string;
  readonly problems: readonly string[];
}

function hostSource(variant: DriverVariant): string {
  const settings = JSON.stringify({
    concurrency: 1,
    memoryLimitMb: MEMORY_LIMIT_MB,
    maxResultMb: MAX_RESULT_MB,
  });
  return `
import { WaitGroup } from '@isolane/core';
import { createVariantDriver, DRIVER_VARIANTS } from '${distModule('drivers.js')}';
const variant = DRIVER_VARIANTS.find((v) => v.label === ${JSON.stringify(variant.label)});
const driver = await createVariantDriver(variant, ${settings});
const wg = new WaitGroup({ driver, timeout: 120000, globals: [] });
wg.go((mb) => {
  const keep = [];
  for (let i = 0; i < mb; i++) keep.push(new Array(131072).fill(i + 0.5));
  return keep.length;
}, ${HOLD_MB});
wg.go((mb) => 'x'.repeat(mb * 1024 * 1024), ${RESULT_MB});
const slots = await wg.wait();
await wg.close();
await driver.close();
const brief = (r) => (r.ok ? { ok: true, size: typeof r.value === 'number' ? r.value : String(r.value).length } : { ok: false, kind: r.error.kind, message: r.error.message });
process.stdout.write('SLOTS ' + JSON.stringify(slots.map(brief)) + '\\n');
`;
}

interface Brief {
  readonly ok: boolean;
  readonly kind?: string;
  readonly message?: string;
  readonly size?: number;
}

const label = (b: Brief | undefined): string => (b === undefined ? 'none' : b.ok ? 'ok' : (b.kind ?? '?'));

/**
 * Runs the flagged host for one out-of-process variant and checks both limits held.
 *
 * @example
 * ```ts
 * const o = await limitCheck(DRIVER_VARIANTS.find((v) => v.label === 'fork')!);
 * o.oom; // 'oom'
 * ```
 */
export async function limitCheck(variant: DriverVariant): Promise<LimitOutcome> {
  if (!DRIVER_VARIANTS.includes(variant)) throw new TypeError(`unknown variant ${variant.label}`);
  const run = await runHost(
    hostSource(variant),
    { NODE_OPTIONS: `--max-old-space-size=${HOST_HEAP_MB}` },
    150_000,
  );
  const line = run.out.split('\n').find((l) => l.startsWith('SLOTS '));
  if (line === undefined) {
    const how = run.timedOut ? 'killed after 150 s' : `exit ${run.code ?? run.signal}`;
    return { oom: 'none', result: 'none', problems: [`host ${how} without slots: ${run.err.slice(-800)}`] };
  }
  const [oom, result] = JSON.parse(line.slice(6)) as Brief[];
  const problems: string[] = [];
  if (oom?.ok !== false || oom.kind !== 'oom') {
    problems.push(
      `memoryLimitMb ${MEMORY_LIMIT_MB} with --max-old-space-size=${HOST_HEAP_MB}: a ${HOLD_MB} MiB task settled ${oom?.ok ? `ok (${oom.size})` : `${oom?.kind}: ${oom?.message}`}`,
    );
  } else if (!oom.message?.includes(String(MEMORY_LIMIT_MB))) {
    problems.push(`oom failure does not name the limit ${MEMORY_LIMIT_MB}: ${oom.message}`);
  }
  if (result?.ok !== false || result.kind !== 'unserializable') {
    problems.push(
      `maxResultMb ${MAX_RESULT_MB}: a ${RESULT_MB} MiB result settled ${result?.ok ? `ok (${result.size} chars)` : `${result?.kind}: ${result?.message}`}`,
    );
  }
  return { oom: label(oom), result: label(result), problems };
}
