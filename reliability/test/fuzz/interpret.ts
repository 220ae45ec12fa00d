/**
 * Runs one fuzz program against a fresh private driver and checks the invariants the toolkit promises:
 * every go() yields exactly one result, in slot order, of a kind the step allows; wait() resolves; the
 * completion stream yields each slot once; no failure leaks to the group's error handler; and after
 * close() no thread or child process of the driver is left. Returns the violations found (empty = ok).
 */
import type { Driver, Result, TaskFailure } from '@isolane/core';
import { WaitGroup } from '@isolane/core';
import { census, createNamedDriver, type LocalDriverName, leftoversSince } from '../../src/index.js';
import { waitWithin } from '../../src/wait-within.js';
import * as tasks from '../fixtures/fuzz-tasks.js';
import type { Program, Step, TaskStep } from './program.js';

/** How long wait() may take before the run is declared hung. */
export const WAIT_LIMIT_MS = 30_000;

/** How long a closed driver's threads and processes may take to disappear. */
export const LEFTOVER_GRACE_MS = 2_000;

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

interface Slot {
  readonly index: number;
  readonly stepIndex: number;
  readonly step: TaskStep;
  readonly tag: number;
}

function start(wg: WaitGroup, step: TaskStep, tag: number, driver: LocalDriverName): number {
  switch (step.task) {
    case 'succeed':
      return wg.go(tasks.succeed, tag, step.ms);
    case 'inline':
      return wg.go(
        async (t: number, ms: number) => {
          if (ms > 0) await new Promise((resolve) => setTimeout(resolve, ms));
          return t * 2;
        },
        tag,
        step.ms,
      );
    case 'throw':
      return wg.go(tasks.throwTagged, tag);
    case 'reject':
      return wg.go(tasks.rejectTagged, tag, step.ms);
    case 'exit':
      return wg.go(tasks.exitWith, step.code);
    case 'kill':
      return wg.go(tasks.killSelf);
    case 'hangSleep':
      return wg.go(tasks.hangSleep, driver === 'cooperative');
    case 'hangSpin':
      return wg.go(tasks.hangSpin);
    case 'allocate':
      return wg.go(tasks.allocate, tag, step.mb);
  }
}

function allocationSum(mb: number): number {
  let sum = 0;
  for (let i = 0; i < mb; i++) sum += (i + 1) & 0xff;
  return sum;
}

/** What the step's task yields when nothing stops it. */
function checkNatural(slot: Slot, r: Result<unknown>, timeout: number): string | undefined {
  const { step, tag } = slot;
  const failure = r.ok ? undefined : r.error;
  const expectKind = (kind: TaskFailure['kind'], extra?: (f: TaskFailure) => boolean) =>
    failure?.kind === kind && (!extra || extra(failure))
      ? undefined
      : `expected kind '${kind}'${extra ? ' (with its tag)' : ''}`;
  switch (step.task) {
    case 'succeed':
      return r.ok && (r.value as { tag?: unknown })?.tag === tag ? undefined : `expected { tag: ${tag} }`;
    case 'inline':
      return r.ok && r.value === tag * 2 ? undefined : `expected ${tag * 2}`;
    case 'allocate': {
      const v = r.ok ? (r.value as { tag?: unknown; sum?: unknown }) : undefined;
      return v?.tag === tag && v.sum === allocationSum(step.mb)
        ? undefined
        : `expected { tag: ${tag}, sum: ${allocationSum(step.mb)} }`;
    }
    case 'throw':
      return expectKind('threw', (f) => f.name === 'RangeError' && f.message === `thrown by ${tag}`);
    case 'reject':
      return expectKind('threw', (f) => f.name === 'TypeError' && f.message === `rejected by ${tag}`);
    case 'exit':
    case 'kill':
      return expectKind('crashed');
    case 'hangSleep':
    case 'hangSpin':
      return timeout > 0 ? expectKind('timeout') : 'a hanging task without a timeout must be aborted';
  }
}

function describeResult(r: Result<unknown> | undefined): string {
  if (r === undefined) return 'no result';
  if (r.ok) return `ok ${JSON.stringify(r.value)}`;
  return `failure ${r.error.kind} ${r.error.name}: ${r.error.message.split('\n')[0]}`;
}

/**
 * Runs a program; resolves with the invariant violations found.
 *
 * @example
 * ```ts
 * const violations = await runProgram('pool', { concurrency: 2, timeout: 600, steps: [{ op: 'go', task: 'throw' }] });
 * ```
 */
export async function runProgram(
  name: LocalDriverName,
  program: Program,
  tally?: Map<string, number>,
): Promise<string[]> {
  const violations: string[] = [];
  const strays: string[] = [];
  const baseline = census();
  const driver: Driver = await createNamedDriver(name, { concurrency: program.concurrency });
  const controller = new AbortController();
  const wg = new WaitGroup({
    driver,
    timeout: program.timeout,
    globals: [],
    signal: controller.signal,
    onError: (f, slot) => strays.push(`slot ${slot}: ${f.kind} ${f.name}: ${f.message}`),
  });
  const slots: Slot[] = [];
  const stops: number[] = [];
  let closed = false;
  try {
    for (let i = 0; i < program.steps.length; i++) {
      const step: Step = program.steps[i]!;
      switch (step.op) {
        case 'go': {
          const tag = 1000 + i;
          let index: number;
          try {
            index = start(wg, step, tag, name);
          } catch (err) {
            if (!closed) violations.push(`step ${i}: go() threw ${String(err)}`);
            break;
          }
          if (closed)
            violations.push(`step ${i}: go() after close() returned slot ${index} instead of throwing`);
          if (index !== slots.length)
            violations.push(`step ${i}: go() returned slot ${index}, expected ${slots.length}`);
          slots.push({ index, stepIndex: i, step, tag });
          break;
        }
        case 'pause':
          await sleep(step.ms);
          break;
        case 'abort':
          wg.abort('fuzz abort()');
          stops.push(i);
          break;
        case 'signal':
          controller.abort('fuzz signal');
          stops.push(i);
          break;
        case 'close':
          void wg.close();
          closed = true;
          stops.push(i);
          break;
      }
    }
    if (wg.size !== slots.length) violations.push(`wg.size is ${wg.size}, expected ${slots.length}`);

    const completions: { index: number; result: Result<unknown> }[] = [];
    const streamed = (async () => {
      for await (const c of wg) completions.push(c);
    })();
    const results = await waitWithin(wg, WAIT_LIMIT_MS);
    if (!results) {
      violations.push(`wait() did not resolve within ${WAIT_LIMIT_MS} ms (${wg.count} slots open)`);
    } else {
      await streamed;
      if (wg.count !== 0) violations.push(`wg.count is ${wg.count} after wait()`);
      if (results.length !== slots.length)
        violations.push(`${results.length} results for ${slots.length} slots`);
      const seen = new Map<number, number>();
      for (const c of completions) seen.set(c.index, (seen.get(c.index) ?? 0) + 1);
      for (const slot of slots) {
        const r = results[slot.index];
        const times = seen.get(slot.index) ?? 0;
        if (times !== 1) violations.push(`slot ${slot.index}: streamed ${times} times`);
        const streamedResult = completions.find((c) => c.index === slot.index)?.result;
        if (streamedResult !== undefined && streamedResult !== r)
          violations.push(`slot ${slot.index}: the stream and wait() disagree`);
        if (r === undefined || typeof r.ok !== 'boolean' || typeof r.ms !== 'number' || r.ms < 0) {
          violations.push(
            `slot ${slot.index} (step ${slot.stepIndex} ${slot.step.task}): malformed result ${describeResult(r)}`,
          );
          continue;
        }
        const outcome = r.ok ? 'ok' : r.error.kind;
        tally?.set(outcome, (tally.get(outcome) ?? 0) + 1);
        const stoppedBefore = stops.some((s) => s < slot.stepIndex);
        const stoppedAfter = stops.some((s) => s > slot.stepIndex);
        const aborted = !r.ok && r.error.kind === 'aborted';
        if (stoppedBefore) {
          if (!aborted)
            violations.push(
              `slot ${slot.index} (step ${slot.stepIndex} ${slot.step.task}, started after a stop): expected 'aborted', got ${describeResult(r)}`,
            );
          continue;
        }
        if (aborted && stoppedAfter) continue;
        const problem = checkNatural(slot, r, program.timeout);
        if (problem)
          violations.push(
            `slot ${slot.index} (step ${slot.stepIndex} ${slot.step.task}): ${problem}, got ${describeResult(r)}`,
          );
      }
    }
  } finally {
    await wg.close();
    await driver.close();
  }
  for (const s of strays) violations.push(`a failure reached onError (nothing should be stray here): ${s}`);
  const left = await leftoversSince(baseline, LEFTOVER_GRACE_MS);
  if (left) violations.push(left);
  return violations;
}
