/**
 * Task descriptions that every driver understands: module tasks (a named export of a module, fully typed)
 * and inline functions (source text, checked for captures at `go()` time).
 */
import { textOf } from './printable.js';

/** What a worker needs to find a task. Plain data: it is sent to workers as is. */
export type TaskSpec =
  | { readonly kind: 'module'; readonly module: string; readonly name: string }
  | { readonly kind: 'inline'; readonly source: string };

const TASK_BRAND = Symbol.for('isolane.task');

/** A callable task that also knows where it lives (module URL + export name). */
export type ModuleTask<A extends unknown[], R> = ((...args: A) => R) & {
  readonly [TASK_BRAND]: { readonly kind: 'module'; readonly module: string; readonly name: string };
};

/**
 * Declares a module task: a named export that workers import by URL. The returned function is the same
 * function, still callable directly, with argument and return types that `go()` infers.
 *
 * @example
 * ```ts
 * // tasks.ts
 * export const userStats = defineTask(import.meta.url, 'userStats', async (id: number) => ({ id, posts: 3 }));
 * // app.ts
 * wg.go(userStats, 42); // typed: (id: number) => Promise<{ id: number; posts: number }>
 * ```
 */
export function defineTask<A extends unknown[], R>(
  moduleUrl: string | URL,
  exportName: string,
  fn: (...args: A) => R,
): ModuleTask<A, R> {
  if (typeof fn !== 'function') {
    throw new TypeError(`defineTask: "fn" must be a function, got ${typeof fn}`);
  }
  if (typeof exportName !== 'string' || !isIdentifier(exportName)) {
    throw new TypeError(
      `defineTask: "exportName" must be the name of the export, got ${textOf(exportName, '<unprintable>')}`,
    );
  }
  const module = taskModuleUrl(moduleUrl);
  const declared = (fn as unknown as Record<symbol, TaskSpec | undefined>)[TASK_BRAND];
  if (declared?.kind === 'module') {
    // The mark lives on the function itself, so one function is one task.
    if (declared.module === module && declared.name === exportName) return fn as ModuleTask<A, R>;
    throw new TypeError(
      `defineTask: this function is already the task "${declared.name}" of ${declared.module}; to declare ` +
        `it again, declare a wrapper: defineTask(moduleUrl, '${exportName}', (...args) => fn(...args))`,
    );
  }
  Object.defineProperty(fn, TASK_BRAND, {
    value: Object.freeze({ kind: 'module', module, name: exportName }),
    enumerable: false,
  });
  return fn as ModuleTask<A, R>;
}

let unicodeIdentifier: RegExp | undefined;

/**
 * True for a JavaScript identifier. The ASCII test comes first and the Unicode one is built only when
 * needed: a Unicode property regex literal costs a cold worker ~0.2 ms to parse, paid by every task
 * module that defines a task.
 */
function isIdentifier(name: string): boolean {
  if (/^[A-Za-z_$][\w$]*$/.test(name)) return true;
  // biome-ignore lint/complexity/useRegexLiterals: a literal is parsed with the module, on every cold worker
  unicodeIdentifier ??= new RegExp('^[\\p{L}_$][\\p{L}\\p{N}_$]*$', 'u');
  return unicodeIdentifier.test(name);
}

/**
 * The spec of a module task, or `undefined` for a plain function.
 *
 * @example
 * ```ts
 * moduleTaskSpec(userStats); // { kind: 'module', module: 'file:///…/tasks.js', name: 'userStats' }
 * ```
 */
export function moduleTaskSpec(fn: unknown): TaskSpec | undefined {
  if (typeof fn !== 'function') return undefined;
  return (fn as unknown as Record<symbol, TaskSpec | undefined>)[TASK_BRAND];
}

/** defineTask takes `import.meta.url` (or any URL); checked without loading `node:url`. */
function taskModuleUrl(value: string | URL): string {
  if (value instanceof URL) return value.href;
  if (typeof value === 'string' && URL.canParse(value)) return new URL(value).href;
  throw new TypeError(
    `defineTask: "moduleUrl" must be the module's URL (pass import.meta.url), got ${typeof value === 'string' ? `"${value}"` : typeof value}`,
  );
}
