// Test helpers: run one job on a driver and collect its result and strays; fixture URLs.
import type { Driver, Job, Result, TaskFailure } from '@isolane/core';

export const fixture = (name: string): string => new URL(`./fixtures/${name}`, import.meta.url).href;

export interface Outcome {
  readonly result: Promise<Result<unknown>>;
  readonly strays: TaskFailure[];
  readonly id: number | undefined;
  abort(failure: TaskFailure): void;
}

/** Starts a module task of a fixture file directly on the driver. */
export function startTask(
  driver: Driver,
  file: string,
  name: string,
  args: unknown[] = [],
  extra: Partial<Job> = {},
): Outcome {
  const strays: TaskFailure[] = [];
  let settle!: (r: Result<unknown>) => void;
  const result = new Promise<Result<unknown>>((resolve) => {
    settle = resolve;
  });
  const handle = driver.start(
    { task: { kind: 'module', module: fixture(file), name }, args, ...extra },
    { settle, stray: (f) => strays.push(f) },
  );
  return { result, strays, id: (handle as { id?: number }).id, abort: (f) => handle.abort(f) };
}

export async function valueIn(outcome: Outcome): Promise<unknown> {
  const r = await outcome.result;
  if (!r.ok) throw new Error(`expected a value, got ${JSON.stringify(r.error)}`);
  return r.value;
}

export async function failureOf(outcome: Outcome): Promise<TaskFailure> {
  const r = await outcome.result;
  if (r.ok) throw new Error(`expected a failure, got ${JSON.stringify(r.value)}`);
  return r.error;
}

export const delay = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Polls until `check` holds or `ms` pass. */
export async function until(check: () => boolean, ms = 5_000): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) return false;
    await delay(20);
  }
  return true;
}
