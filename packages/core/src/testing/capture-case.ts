/**
 * The conformance case for the capture rules: the same inline tasks are rejected at `go()` under every
 * driver (the check runs in core, before any driver sees the task), and the legitimate neighbours of each
 * rejected form run and give the same value everywhere.
 */
import assert from 'node:assert/strict';
import { isCaptureError } from '../errors.js';
import { WaitGroup } from '../wait-group.js';
import type { ConformanceCase } from './cases.js';

const fixture = (name: string) => new URL(`./fixtures/${name}`, import.meta.url).href;

/** Sources of tasks every driver must reject with a CaptureError, and what the error must name. */
const REJECTED: readonly (readonly [source: string, names: RegExp])[] = [
  ['() => globalThis.isolaneHostSecret', /globalThis\.isolaneHostSecret/],
  ['() => global.isolaneHostSecret', /global\.isolaneHostSecret/],
  ["() => globalThis['isolane' + 'HostSecret']", /globalThis\[…\]/],
  ["() => Reflect.get(globalThis, 'isolaneHostSecret')", /`globalThis`/],
  ["() => eval('isolaneHostSecret')", /`eval`/],
  ["() => (0, eval)('isolaneHostSecret')", /`eval`/],
  ["() => new Function('return isolaneHostSecret')()", /`Function`/],
  ["() => (async () => {}).constructor('return isolaneHostSecret')()", /\.constructor/],
  ["async () => (await import('./index.js')).WaitGroup.name", /import\('\.\/index\.js'\)/],
  ['() => window.isolaneHostSecret', /`window`/],
];

/** Built from source text so no test transform changes what is analysed. */
function fromSource(source: string): (...args: unknown[]) => unknown {
  return new Function(`return (${source});`)() as (...args: unknown[]) => unknown;
}

/**
 * The capture-rules case (registered in CONFORMANCE_CASES).
 *
 * @example
 * ```ts
 * await CAPTURE_RULES_CASE.run(ctx);
 * ```
 */
export const CAPTURE_RULES_CASE: ConformanceCase = {
  id: 'capture-rules',
  title:
    'globals read through the global object, eval/Function and relative import() are CaptureErrors at go()',
  timeout: 60_000,
  async run(ctx) {
    const host = globalThis as { isolaneHostSecret?: string };
    host.isolaneHostSecret = 'host-only';
    try {
      const wg = new WaitGroup({
        driver: ctx.driver({ bootstrap: fixture('boot-count.js') }),
        globals: ['__isolaneBoots'],
      });
      for (const [source, names] of REJECTED) {
        assert.throws(
          () => wg.go(fromSource(source)),
          (e: unknown) => isCaptureError(e) && names.test((e as Error).message),
          `${ctx.name} must reject ${source} at go()`,
        );
      }
      assert.equal(wg.size, 0, 'a rejected go() takes no slot');
      wg.go(fromSource('function f() { { function g() { return 7; } } return g(); }'));
      wg.go(fromSource('(a, b) => globalThis.Math.max(a, global.Number(b))'), 3, '5');
      wg.go(fromSource('() => typeof globalThis.__isolaneBoots'));
      wg.go(fromSource("() => [typeof globalThis.isolaneUnknown, 'isolaneUnknown' in globalThis]"));
      const values = (await wg.wait()).map((r) => {
        assert.ok(r.ok, `expected a value, got ${JSON.stringify(r.ok ? null : r.error)}`);
        return r.value;
      });
      assert.deepEqual(values, [7, 5, 'number', ['undefined', false]]);
      await wg.close();
    } finally {
      delete host.isolaneHostSecret;
    }
  },
};
