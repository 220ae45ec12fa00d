/**
 * What the runtime loads besides task modules: the loader hook, the bootstrap, and inline tasks rebuilt
 * from their source. Split out of runtime.ts.
 */
import { taskContext } from '../context.js';
import { makeFailure, type TaskFailure, toFailure } from '../failure.js';
import { FunctionCtor, mapGet, mapSet } from './intrinsics.js';

/**
 * Imports the loader hook module and calls its `register()`: the failure, or undefined.
 *
 * @example
 * ```ts
 * const failure = await hookLoader(tsxHref);
 * ```
 */
export async function hookLoader(url: string | undefined): Promise<TaskFailure | undefined> {
  if (!url) return undefined;
  try {
    const mod = (await import(url)) as { register?: unknown };
    if (typeof mod.register === 'function') (mod.register as () => unknown)();
    return undefined;
  } catch (err) {
    const cause = toFailure(err, 'bootstrap');
    return makeFailure('bootstrap', `the loader hook ${url} failed: ${cause.message}`, {
      cause,
      name: 'BootstrapError',
    });
  }
}

/**
 * Imports the bootstrap module and awaits its default export when it is a function: the failure (kind
 * `bootstrap`), or undefined.
 *
 * @example
 * ```ts
 * const failure = await loadBootstrap('file:///app/boot.js');
 * ```
 */
export async function loadBootstrap(url: string | undefined): Promise<TaskFailure | undefined> {
  if (!url) return undefined;
  try {
    const mod = (await import(url)) as { default?: unknown };
    if (typeof mod.default === 'function') await (mod.default as () => unknown)();
    return undefined;
  } catch (err) {
    const cause = toFailure(err, 'bootstrap');
    return makeFailure('bootstrap', `bootstrap ${url} failed: ${cause.message}`, {
      cause,
      name: 'BootstrapError',
    });
  }
}

const compiled = new Map<string, Function>();

/**
 * Rebuilds an inline task from its source, in the worker's global scope (cached by source), with the
 * name `taskContext` bound to the context function: an inline task cannot import it, so the capture
 * check lets it use the name and the runtime provides it (under every driver).
 *
 * @example
 * ```ts
 * compileInline('(a, b) => a + b')(1, 2); // 3
 * ```
 */
export function compileInline(source: string): Function {
  let fn = mapGet(compiled, source);
  if (!fn) {
    fn = new FunctionCtor('taskContext', `return (${source});`)(taskContext) as Function;
    if (typeof fn !== 'function') throw new TypeError('inline task source did not evaluate to a function');
    mapSet(compiled, source, fn);
  }
  return fn;
}
