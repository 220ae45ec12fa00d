/**
 * The pieces bad-input cases are made of: the case and expectation types, and the builders for each
 * kind of entry point (WaitGroup options, go(), config files, driver constructors). Kept apart from the
 * lists so each list reads as a table.
 */
import type { Driver, DriverName } from '@isolane/core';
import { WaitGroup } from '@isolane/core';
import { loadDriverModule } from '@isolane/core/driver-kit';
import { type CaseContext, FIXTURES } from './context.js';

/**
 * How an error reaches the caller. 'warns': the input is skipped with a `process.emitWarning` (a config
 * file isolane will not read) and everything goes on; the case returns `{ warned }`.
 */
export type Surface = 'throws' | 'rejects' | 'slot' | 'warns';

/** The documented error of a case. */
export interface Expected {
  readonly surface: Surface;
  /** Error class name (for 'slot': the failure's `name`; for 'warns': the warning's type). */
  readonly name: string;
  /** The failure's kind, for 'slot'. */
  readonly kind?: string;
  /** What the message must say (usually: the option or field it names). */
  readonly message: RegExp;
}

/** One bad input. */
export interface BadInputCase {
  /** The public entry point. */
  readonly entry: string;
  /** The input, as a reader would write it. */
  readonly input: string;
  readonly expected: Expected;
  /** Does the bad thing; returns results when the error surfaces in a slot. */
  run(ctx: CaseContext): unknown;
  /** The driver whose usability is checked afterwards (default cooperative). */
  readonly driver?: DriverName;
  /** The message ends in platform text (Node's own wording, which varies by version): the doc cuts it. */
  readonly platformTail?: boolean;
}

// biome-ignore lint/suspicious/noExplicitAny: bad input is, by definition, not what the types allow.
export type Loose = any;

export const tasks = (await import(FIXTURES.tasks)) as { double: (n: number) => number };

export const throwsType = (message: RegExp): Expected => ({ surface: 'throws', name: 'TypeError', message });
export const throwsRange = (message: RegExp): Expected => ({
  surface: 'throws',
  name: 'RangeError',
  message,
});

/** A case of `new WaitGroup(options)` (cooperative, a clean cwd, unless the options say otherwise). */
export function wgCase(input: string, options: unknown, expected: Expected): BadInputCase {
  return {
    entry: 'new WaitGroup(options)',
    input,
    expected,
    run: (ctx) =>
      new WaitGroup(
        typeof options === 'object' && options !== null
          ? { cwd: ctx.cleanDir, driver: 'cooperative', ...options }
          : (options as Loose),
      ),
  };
}

/** A case of `wg.go(task, ...args)` on a fresh cooperative group. */
export function goCase(input: string, go: (wg: WaitGroup) => unknown, expected: Expected): BadInputCase {
  return {
    entry: 'wg.go(task, ...args)',
    input,
    expected,
    run: (ctx) => {
      const wg = ctx.group();
      const out = go(wg);
      return out instanceof Promise ? out : expected.surface === 'slot' ? wg.wait() : out;
    },
  };
}

/** A config file with this text, alone in a fresh folder used as `cwd`. */
export function configCase(file: string, text: string, expected: Expected): BadInputCase {
  return {
    entry: `config file ${file}`,
    input: text.replace(/\n/g, ' '),
    expected,
    run: (ctx) => {
      const cwd = ctx.configDir(file, text);
      const wg = new WaitGroup({ cwd });
      wg.go(tasks.double, 1);
      return wg.wait();
    },
  };
}

async function driverClass(name: DriverName, className: string): Promise<new (options: unknown) => Driver> {
  const mod = await loadDriverModule(name, { from: import.meta.url });
  return mod[className] as new (
    options: unknown,
  ) => Driver;
}

/** A case of a driver class's constructor. */
export function ctorCase(
  name: DriverName,
  className: string,
  input: string,
  options: unknown,
  expected: Expected,
): BadInputCase {
  return {
    entry: `new ${className}(options)`,
    input,
    expected,
    driver: name,
    run: async () => {
      const Ctor = await driverClass(name, className);
      let driver: Driver;
      try {
        driver = new Ctor(options);
      } catch (err) {
        // Surface the constructor's own throw as a synchronous throw.
        return { thrownSync: err };
      }
      await driver.close();
      return undefined;
    },
  };
}

/** Runs `fn`, returning what it threw (or undefined), so a case can report a synchronous throw. */
export function captureSync(fn: () => unknown): unknown {
  try {
    fn();
    return undefined;
  } catch (err) {
    return err;
  }
}

/**
 * Runs `fn` and resolves with the first `IsolaneWarning` it leads to (warnings are emitted on a later
 * tick), or undefined when none came within a bounded number of turns of the event loop.
 */
export async function warningFrom(fn: () => unknown): Promise<{ warned: Error | undefined }> {
  let warned: Error | undefined;
  const listener = (w: Error) => {
    if (w.name === 'IsolaneWarning') warned ??= w;
  };
  process.on('warning', listener);
  try {
    await fn();
    for (let i = 0; i < 200 && !warned; i++) await new Promise((r) => setImmediate(r));
  } finally {
    process.off('warning', listener);
  }
  return { warned };
}
