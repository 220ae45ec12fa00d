/**
 * The fuzzer's programs: random sequences of go() (tasks that succeed, throw, reject, crash, hang or
 * allocate), pauses, abort(), an AbortSignal firing and close(), with a random concurrency and group
 * timeout. Which tasks a driver can run is decided here: `cooperative` shares the caller's process, so
 * no task may exit, kill or block it; only `fork` may kill its own process.
 */

import fc from 'fast-check';
import type { LocalDriverName } from '../../src/index.js';

/** A task a go() step starts. */
export type TaskStep =
  | { readonly op: 'go'; readonly task: 'succeed'; readonly ms: number }
  | { readonly op: 'go'; readonly task: 'inline'; readonly ms: number }
  | { readonly op: 'go'; readonly task: 'throw' }
  | { readonly op: 'go'; readonly task: 'reject'; readonly ms: number }
  | { readonly op: 'go'; readonly task: 'exit'; readonly code: number }
  | { readonly op: 'go'; readonly task: 'kill' }
  | { readonly op: 'go'; readonly task: 'hangSleep' }
  | { readonly op: 'go'; readonly task: 'hangSpin' }
  | { readonly op: 'go'; readonly task: 'allocate'; readonly mb: number };

/** One step of a program. */
export type Step =
  | TaskStep
  | { readonly op: 'pause'; readonly ms: number }
  | { readonly op: 'abort' }
  | { readonly op: 'signal' }
  | { readonly op: 'close' };

/** A whole program, run against one fresh private driver. */
export interface Program {
  readonly concurrency: number;
  /** Group timeout in ms (0 = none). */
  readonly timeout: number;
  readonly steps: readonly Step[];
}

/** Steps that settle every open slot at once. */
export function isStopStep(step: Step): boolean {
  return step.op === 'abort' || step.op === 'signal' || step.op === 'close';
}

/** Tasks that never finish on their own. */
export function isHang(step: Step): boolean {
  return step.op === 'go' && (step.task === 'hangSleep' || step.task === 'hangSpin');
}

function taskArbitrary(driver: LocalDriverName): fc.Arbitrary<TaskStep> {
  const common: fc.Arbitrary<TaskStep>[] = [
    fc.record({
      op: fc.constant('go' as const),
      task: fc.constant('succeed' as const),
      ms: fc.integer({ min: 0, max: 30 }),
    }),
    fc.record({
      op: fc.constant('go' as const),
      task: fc.constant('inline' as const),
      ms: fc.integer({ min: 0, max: 30 }),
    }),
    fc.record({ op: fc.constant('go' as const), task: fc.constant('throw' as const) }),
    fc.record({
      op: fc.constant('go' as const),
      task: fc.constant('reject' as const),
      ms: fc.integer({ min: 0, max: 20 }),
    }),
    fc.record({ op: fc.constant('go' as const), task: fc.constant('hangSleep' as const) }),
    fc.record({
      op: fc.constant('go' as const),
      task: fc.constant('allocate' as const),
      mb: fc.integer({ min: 1, max: 24 }),
    }),
  ];
  const isolated: fc.Arbitrary<TaskStep>[] =
    driver === 'cooperative'
      ? []
      : [
          fc.record({
            op: fc.constant('go' as const),
            task: fc.constant('exit' as const),
            code: fc.integer({ min: 0, max: 3 }),
          }),
          fc.record({ op: fc.constant('go' as const), task: fc.constant('hangSpin' as const) }),
        ];
  const killer: fc.Arbitrary<TaskStep>[] =
    driver === 'fork'
      ? [fc.record({ op: fc.constant('go' as const), task: fc.constant('kill' as const) })]
      : [];
  return fc.oneof(...common, ...isolated, ...killer);
}

/**
 * Programs for one driver. Go steps dominate; a program with a hanging task and neither a timeout nor
 * a stop step gets an `abort` appended, since nothing else could ever settle it.
 *
 * @example
 * ```ts
 * fc.assert(fc.asyncProperty(programs('thread', 8), (p) => runProgram('thread', p)));
 * ```
 */
export function programs(driver: LocalDriverName, maxSteps: number): fc.Arbitrary<Program> {
  // Stops are drawn apart from the other steps and spliced in: half of the programs have none, so
  // most slots meet their natural end (a stop settles every open slot as 'aborted').
  const body: fc.Arbitrary<Step> = fc.oneof(
    { arbitrary: taskArbitrary(driver), weight: 5 },
    {
      arbitrary: fc.record({ op: fc.constant('pause' as const), ms: fc.integer({ min: 0, max: 60 }) }),
      weight: 1,
    },
  );
  const stop = fc.record({
    at: fc.nat(),
    step: fc.constantFrom<Step>({ op: 'abort' }, { op: 'signal' }, { op: 'close' }),
  });
  return fc
    .record({
      concurrency: fc.integer({ min: 1, max: 4 }),
      // A task that succeeds sleeps at most 30 ms; these timeouts leave it seconds of slack on a busy machine
      // (a fork child's start counts), so only the hanging tasks reach them.
      timeout: fc.constantFrom(0, 0, 2_000, 4_000),
      steps: fc.array(body, { minLength: 1, maxLength: maxSteps }),
      stops: fc.oneof(fc.constant([]), fc.array(stop, { minLength: 1, maxLength: 2 })),
    })
    .map(({ concurrency, timeout, steps, stops }) => {
      const all = [...steps];
      for (const s of stops) all.splice(s.at % (all.length + 1), 0, s.step);
      const needsStop = timeout === 0 && all.some(isHang) && !all.some(isStopStep);
      if (needsStop) all.push({ op: 'abort' });
      return { concurrency, timeout, steps: all };
    });
}
