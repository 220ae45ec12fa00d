/**
 * Loads the bundled parsers (acorn + periscopic) synchronously, on first use. A cold worker that only
 * imports `defineTask` never pays for them; `go()` with an inline function stays synchronous.
 */
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import type * as Parser from './parser.js';

// `../../dist/capture/` is the bundle's place both from `src/capture/` (tests run sources) and from
// `dist/capture/` (the built package), so one path serves both.
const BUNDLE = new URL('../../dist/capture/parser.cjs', import.meta.url);

let parser: typeof Parser | undefined;

/**
 * The parsers, loaded once.
 *
 * @example
 * ```ts
 * const { parse } = parsers();
 * ```
 */
export function parsers(): typeof Parser {
  parser ??= createRequire(import.meta.url)(fileURLToPath(BUNDLE)) as typeof Parser;
  return parser;
}
