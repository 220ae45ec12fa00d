/**
 * Task modules for the tests: core's conformance fixtures (a built module under the repo root, which is
 * the producers' and workers' root).
 */
export interface FixtureTasks {
  add(a: number, b: number): number;
  sleepThen<T>(ms: number, value: T): Promise<T>;
  echo<T>(value: T): T;
}

/** core's conformance task fixtures. */
export async function fixtureTasks(): Promise<FixtureTasks> {
  return (await import(
    new URL('../../../core/dist/testing/fixtures/tasks.js', import.meta.url).href
  )) as FixtureTasks;
}
