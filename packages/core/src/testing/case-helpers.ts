/**
 * Small helpers the conformance cases share: reading a slot's value or failure with a clear assertion
 * message, making a group on a driver, checking a driver still serves after a failure, fixture URLs.
 */
import assert from 'node:assert/strict';
import type { Driver } from '../driver.js';
import type { TaskFailure } from '../failure.js';
import type { Result } from '../result.js';
import { WaitGroup, type WaitGroupOptions } from '../wait-group.js';
import * as t from './fixtures/tasks.js';

/** URL of a file in `./fixtures/`. */
export const fixture = (name: string) => new URL(`./fixtures/${name}`, import.meta.url).href;

/** The failure in a slot; fails the case if the slot holds a value. */
export function failureOf(r: Result<unknown> | undefined): TaskFailure {
  assert.ok(r, 'missing result');
  assert.equal(r.ok, false, `expected a failure, got the value ${safeJson(r.ok ? r.value : undefined)}`);
  return (r as { error: TaskFailure }).error;
}

/** The value in a slot; fails the case if the slot holds a failure. */
export function valueIn(r: Result<unknown> | undefined): unknown {
  assert.ok(r, 'missing result');
  assert.equal(r.ok, true, `expected a value, got the failure ${safeJson(r.ok ? undefined : r.error)}`);
  return (r as { value: unknown }).value;
}

function safeJson(value: unknown): string {
  try {
    return (
      JSON.stringify(value, (_k, v) => (typeof v === 'bigint' ? `${v}n` : v))?.slice(0, 500) ?? 'undefined'
    );
  } catch {
    return String(value);
  }
}

/** A group on `driver` with the given options. */
export async function group(
  driver: Driver,
  options: Omit<WaitGroupOptions, 'driver'> = {},
): Promise<WaitGroup> {
  return new WaitGroup({ ...options, driver });
}

/** After a crash the driver must keep serving: one more task must succeed. */
export async function assertStillServing(driver: Driver): Promise<void> {
  const wg = await group(driver);
  wg.go(t.add, 20, 22);
  const [r] = await wg.wait();
  assert.equal(valueIn(r), 42, 'the driver must keep serving new tasks after a failure');
  await wg.close();
}
