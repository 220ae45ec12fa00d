/**
 * The argument lists a user's task is run with: one list from `--args <json>`, or many from
 * `--args-file` (a JSON file holding an array of argument lists, or a JavaScript/TypeScript module whose
 * default export — or `args` export — is such an array, or a function returning one). Tasks cycle
 * through the lists, so varied inputs are measured and compared across drivers.
 */
import { readFileSync } from 'node:fs';
import { extname, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

/** Where the lists come from. Plain data: a module source is loaded inside each measurement host. */
export type ArgSource =
  | { readonly kind: 'lists'; readonly lists: readonly (readonly unknown[])[] }
  | { readonly kind: 'module'; readonly url: string };

/**
 * Checks that `value` is a non-empty array of argument lists.
 *
 * @example
 * ```ts
 * checkArgLists([[1, 2], [3, 4]], '--args-file'); // returns it
 * checkArgLists([1, 2], '--args-file');           // throws TypeError naming --args-file
 * ```
 */
export function checkArgLists(value: unknown, label: string): readonly (readonly unknown[])[] {
  if (!Array.isArray(value) || value.length === 0) {
    throw new TypeError(`${label} must give a non-empty array of argument lists, e.g. [[1, 2], [3, 4]]`);
  }
  value.forEach((list, i) => {
    if (!Array.isArray(list)) {
      throw new TypeError(
        `${label}: entry ${i} is not an argument list (an array), got ${JSON.stringify(list)}`,
      );
    }
  });
  return value as unknown[][];
}

/**
 * Parses `--args <json>`: one argument list, e.g. `[6000000, 6100000]`.
 *
 * @example
 * ```ts
 * parseArgsOption('[1, 2]'); // { kind: 'lists', lists: [[1, 2]] }
 * ```
 */
export function parseArgsOption(text: string): ArgSource {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new TypeError(`--args must be JSON (one argument list, e.g. '[1, 2]'): ${(err as Error).message}`);
  }
  if (!Array.isArray(value)) {
    throw new TypeError(`--args must be a JSON array of the task's arguments, e.g. '[1, 2]'; got ${text}`);
  }
  return { kind: 'lists', lists: [value] };
}

const MODULE_EXTENSIONS = new Set(['.js', '.mjs', '.cjs', '.ts', '.mts', '.cts']);

/**
 * Reads `--args-file <file>`: a `.json` file is parsed and checked here; a module is loaded (and
 * checked) by each measurement host, after the loader a TypeScript file needs.
 *
 * @example
 * ```ts
 * readArgsFile('inputs.json'); // { kind: 'lists', lists: [[1], [2]] }
 * readArgsFile('inputs.ts');   // { kind: 'module', url: 'file:///…/inputs.ts' }
 * ```
 */
export function readArgsFile(file: string, cwd: string = process.cwd()): ArgSource {
  const path = resolve(cwd, file);
  const ext = extname(path);
  if (ext === '.json') {
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch (err) {
      throw new TypeError(`--args-file: cannot read ${path}: ${(err as Error).message}`);
    }
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (err) {
      throw new TypeError(`--args-file: ${path} is not JSON: ${(err as Error).message}`);
    }
    return { kind: 'lists', lists: checkArgLists(value, `--args-file ${path}`) };
  }
  if (!MODULE_EXTENSIONS.has(ext)) {
    throw new TypeError(`--args-file must be a .json file or a JavaScript/TypeScript module, got ${path}`);
  }
  try {
    readFileSync(path);
  } catch (err) {
    throw new TypeError(`--args-file: cannot read ${path}: ${(err as Error).message}`);
  }
  return { kind: 'module', url: pathToFileURL(path).href };
}

/**
 * The argument lists of a source (imports a module source in this process).
 *
 * @example
 * ```ts
 * await loadArgLists({ kind: 'lists', lists: [[1]] }); // [[1]]
 * ```
 */
export async function loadArgLists(source: ArgSource): Promise<readonly (readonly unknown[])[]> {
  if (source.kind === 'lists') return source.lists;
  const mod = (await import(source.url)) as { default?: unknown; args?: unknown };
  let value = mod.default ?? mod.args;
  if (typeof value === 'function') value = await (value as () => unknown)();
  return checkArgLists(value, `--args-file ${source.url} (its default or "args" export)`);
}
