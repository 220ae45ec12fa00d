/**
 * Task modules for the tests: core's conformance fixtures (a built module under the repo root, which is
 * the producers' and workers' root), and bundles.test.ts's own (test/fixtures/bundle-tasks.mjs).
 */
import { readFileSync } from 'node:fs';

/** core's conformance task fixtures the tests use most. */
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

/** More of core's conformance task fixtures: failures and late errors. */
export interface CoreFailureTasks {
  throwCustom(message: string): never;
  throwValue(which: 'string' | 'number' | 'object' | 'undefined'): never;
  returnUnserializable(which: 'function' | 'class'): unknown;
  lateThrow(ms: number, message: string): string;
  /** Exits its process (or thread) with `code` after 20 ms. */
  exitWith(code: number): Promise<never>;
}

/** core's conformance task fixtures that fail (or throw late). */
export async function coreTasks(): Promise<CoreFailureTasks> {
  return (await import(
    new URL('../../../core/dist/testing/fixtures/tasks.js', import.meta.url).href
  )) as CoreFailureTasks;
}

/** The task module of bundles.test.ts (test/fixtures/bundle-tasks.mjs). */
export interface BundleTasks {
  /** Records its start in `file` (then, when `ms` > 0, sleeps `ms` and records its end); returns `value`. */
  recordThen<T>(file: string, ms: number, value: T): T | Promise<T>;
  /** An odd value made on the worker (undefined, -0, NaN, a bigint, a Map, a sparse array, 200 KB). */
  oddValue(kind: string): unknown;
  /** Reports `{ tag, i }` for i = 1..steps as progress, returns `tag`. */
  progressSteps(tag: string, steps: number): Promise<string>;
  /** Sends `hello from <tag>`, waits for one reply, returns `<tag> got <reply>`. */
  greetAndReply(tag: string): Promise<string>;
  /** Sends 0, 1, 2, … to its caller until it is stopped. */
  sendForever(): Promise<never>;
}

/** The task module of bundles.test.ts. */
export async function bundleTasks(): Promise<BundleTasks> {
  return (await import(new URL('../fixtures/bundle-tasks.mjs', import.meta.url).href)) as BundleTasks;
}

/** One line `recordThen` wrote: which process ran it, when (Date.now()), and whether it started or ended. */
export interface TaskRun {
  readonly pid: number;
  readonly ppid: number;
  readonly at: number;
  readonly what: 'start' | 'end';
}

/** What `recordThen` wrote to `file` (none: it never ran). */
export function runsOf(file: string): TaskRun[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return [];
  }
  return text
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const [pid, ppid, at, what] = line.split(' ');
      return { pid: Number(pid), ppid: Number(ppid), at: Number(at), what: what as TaskRun['what'] };
    });
}
