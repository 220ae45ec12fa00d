/**
 * The task catalogue: the same plain functions run under every driver and peer, so that a difference in
 * a measurement comes from the model that runs them and never from the work itself. Every task takes at
 * most one argument (every peer can pass one) and is deliberately tiny or deliberately hostile.
 */

/** A trivial task: the round trip is all there is to measure. */
export function noop(arg?: unknown): unknown {
  return arg;
}

/**
 * Deterministic CPU work: `iterations` rounds of integer mixing. Calibrated by the bench so that a call
 * takes a known time on one core; a fixed amount of work (not a wall-clock spin) is what makes a speedup
 * measurable when tasks outnumber cores.
 */
export function cpu(iterations: unknown): number {
  const n = typeof iterations === 'number' ? iterations : 0;
  let x = 0x9e3779b9;
  for (let i = 0; i < n; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    x = (x + i) | 0;
  }
  return x;
}

/**
 * Resolves after `ms` milliseconds (keeps a worker busy without using a core). Asynchronous tasks are
 * `async` functions: poolifier only awaits functions that are declared async.
 */
export async function sleep(ms: unknown): Promise<number> {
  const wait = typeof ms === 'number' ? ms : 0;
  await new Promise((resolve) => setTimeout(resolve, wait));
  return wait;
}

const PROBE_KEY = '__isolaneBenchProbe';
const ENV_KEY = 'ISOLANE_BENCH_PROBE';

/** Leaves a value on `globalThis`, where a later task in the same heap would find it. */
export function setGlobal(token: unknown): boolean {
  (globalThis as Record<string, unknown>)[PROBE_KEY] = token;
  return true;
}

/** What a previous task may have left on `globalThis` (null when nothing). */
export function readGlobal(): unknown {
  return (globalThis as Record<string, unknown>)[PROBE_KEY] ?? null;
}

/** Patches a built-in prototype, the classic monkey-patch that outlives a request. */
export function patchPrototype(token: unknown): boolean {
  Object.defineProperty(Array.prototype, PROBE_KEY, { value: token, configurable: true, writable: true });
  return true;
}

/** What a previous task may have patched onto `Array.prototype` (null when nothing). */
export function readPrototype(): unknown {
  return ([] as unknown as Record<string, unknown>)[PROBE_KEY] ?? null;
}

/** Changes `process.env`. */
export function setEnv(token: unknown): boolean {
  process.env[ENV_KEY] = String(token);
  return true;
}

/** What a previous task may have put in `process.env` (null when nothing). */
export function readEnv(): unknown {
  return process.env[ENV_KEY] ?? null;
}

/**
 * Reads its argument after a pause: if the caller mutates the object after submitting it and the task
 * sees the change, arguments are shared, not snapshotted.
 */
export async function readArgLater(arg: unknown): Promise<unknown> {
  await new Promise((resolve) => setTimeout(resolve, 30));
  return (arg as { value?: unknown } | null)?.value ?? null;
}

/** Ends the process (or the worker thread) that runs it. */
export function exit(): never {
  process.exit(3);
}

/**
 * A native crash: sends SIGSEGV to the process that runs it, as a faulting addon would die. Neither V8
 * nor Node runs anything after it; a worker thread takes its whole process down with it.
 */
export function segfault(): never {
  process.kill(process.pid, 'SIGSEGV');
  // The signal is delivered before this matters; wait for it rather than return.
  for (;;) {
    // Busy on purpose.
  }
}

/** Throws from a timer while the task is still running: nobody can catch that throw. */
export async function throwInTimer(): Promise<never> {
  setTimeout(() => {
    throw new Error('bench probe: thrown from a timer');
  }, 10);
  return new Promise(() => {});
}

/** Leaves a rejected promise nobody handles, then returns later. */
export async function rejectUnhandled(): Promise<string> {
  void Promise.reject(new Error('bench probe: unhandled rejection'));
  await new Promise((resolve) => setTimeout(resolve, 200));
  return 'returned';
}

/** Returns at once, then throws from a timer it left behind while something else runs. */
export function throwAfterReturn(): string {
  setTimeout(() => {
    throw new Error('bench probe: thrown after the task returned');
  }, 50);
  return 'returned';
}

/** Allocates until the heap limit is reached. */
export function allocate(): number {
  const keep: number[][] = [];
  for (;;) keep.push(new Array<number>(100_000).fill(keep.length + 0.5));
}

/** A synchronous infinite loop: only a timeout that stops the work can end it. */
export function spin(): never {
  for (;;) {
    // Busy on purpose.
  }
}

/** The names the bench may run, in one place for every adapter. */
export const TASKS = {
  noop,
  cpu,
  sleep,
  setGlobal,
  readGlobal,
  patchPrototype,
  readPrototype,
  setEnv,
  readEnv,
  readArgLater,
  exit,
  segfault,
  throwInTimer,
  rejectUnhandled,
  throwAfterReturn,
  allocate,
  spin,
} as const;

/** A task name of the catalogue. */
export type TaskName = keyof typeof TASKS;

/** The environment variable the env probe writes. */
export const PROBE_ENV_KEY = ENV_KEY;
