/**
 * Runs one bad-input case and reports how its error reached the caller (thrown at the call, a
 * rejection, or a failed slot) and that the group or driver is still usable afterwards.
 */
import { type Result, WaitGroup } from '@isolane/core';
import { waitWithin } from '../wait-within.js';
import type { BadInputCase, Surface } from './cases.js';
import { type CaseContext, FIXTURES } from './context.js';

/** What a case actually did. */
export interface Observed {
  readonly surface: Surface | 'none';
  readonly name: string;
  readonly kind?: string;
  readonly message: string;
}

const tasks = (await import(FIXTURES.tasks)) as { double: (n: number) => number };

function fromError(surface: Surface, err: unknown): Observed {
  const e = err as { name?: unknown; message?: unknown };
  return {
    surface,
    name: typeof e?.name === 'string' ? e.name : typeof err,
    message: typeof e?.message === 'string' ? e.message : String(err),
  };
}

function isResults(value: unknown): value is Result<unknown>[] {
  return Array.isArray(value) && value.every((r) => typeof r === 'object' && r !== null && 'ok' in r);
}

/**
 * Runs a case and observes its error.
 *
 * @example
 * ```ts
 * const seen = await observe(BAD_INPUT_CASES[0], ctx); // { surface: 'throws', name: 'TypeError', ... }
 * ```
 */
export async function observe(c: BadInputCase, ctx: CaseContext): Promise<Observed> {
  ctx.lastGroup = undefined;
  let value: unknown;
  try {
    value = c.run(ctx);
  } catch (err) {
    return fromError('throws', err);
  }
  if (value instanceof Promise) {
    try {
      value = await value;
    } catch (err) {
      return fromError('rejects', err);
    }
  }
  if (typeof value === 'object' && value !== null && 'warned' in value) {
    const w = (value as { warned: (Error & { code?: string }) | undefined }).warned;
    if (w) return { surface: 'warns', name: w.name, message: `[${w.code}] ${w.message}` };
  }
  if (typeof value === 'object' && value !== null && 'thrownSync' in value) {
    const thrown = (value as { thrownSync: unknown }).thrownSync;
    if (thrown !== undefined) return fromError('throws', thrown);
  }
  if (isResults(value)) {
    const failed = value.find((r) => !r.ok);
    if (failed && !failed.ok) {
      return {
        surface: 'slot',
        name: failed.error.name,
        kind: failed.error.kind,
        message: failed.error.message,
      };
    }
  }
  return { surface: 'none', name: '-', message: 'no error' };
}

/**
 * Checks that every observed field matches the case's documented error; returns the mismatches.
 *
 * @example
 * ```ts
 * const problems = mismatches(c, seen); // [] when the documented error was given
 * ```
 */
export function mismatches(c: BadInputCase, seen: Observed): string[] {
  const out: string[] = [];
  const e = c.expected;
  if (seen.surface !== e.surface) out.push(`surfaced as ${seen.surface}, documented: ${e.surface}`);
  if (seen.name !== e.name) out.push(`error name ${seen.name}, documented: ${e.name}`);
  if (e.kind !== undefined && seen.kind !== e.kind)
    out.push(`failure kind ${seen.kind}, documented: ${e.kind}`);
  if (!e.message.test(seen.message))
    out.push(`message ${JSON.stringify(seen.message)} does not match ${e.message}`);
  return out;
}

async function oneTask(wg: WaitGroup, limitMs: number): Promise<Result<unknown> | undefined> {
  wg.go(tasks.double, 21);
  const results = await waitWithin(wg, limitMs);
  return results?.[results.length - 1];
}

/**
 * After a case: the group it used still answers (a broken bootstrap keeps failing the same way, without
 * hanging; anything else runs the next task fine), and a fresh group on the same driver works.
 *
 * @example
 * ```ts
 * const problems = await stillUsable(c, seen, ctx); // [] when usable
 * ```
 */
export async function stillUsable(c: BadInputCase, seen: Observed, ctx: CaseContext): Promise<string[]> {
  const out: string[] = [];
  const same = ctx.lastGroup;
  if (same) {
    const r = await oneTask(same, 30_000).catch((err: unknown) => err);
    const brokenBootstrap = seen.surface === 'slot' && seen.kind === 'bootstrap';
    if (r === undefined) out.push('the same group did not settle its next task within 30 s');
    else if (r instanceof Error || !('ok' in (r as object)))
      out.push(`the same group's wait() rejected: ${String(r)}`);
    else {
      const result = r as Result<unknown>;
      if (brokenBootstrap && (result.ok || result.error.kind !== 'bootstrap'))
        out.push(`the same group's next task did not fail as 'bootstrap' again`);
      if (!brokenBootstrap && !(result.ok && result.value === 42))
        out.push(`the same group's next task did not succeed: ${JSON.stringify(result)}`);
    }
  }
  const fresh = new WaitGroup({ driver: c.driver ?? 'cooperative', cwd: ctx.cleanDir, concurrency: 1 });
  try {
    const r = await oneTask(fresh, 30_000);
    if (!(r?.ok && r.value === 42))
      out.push(`a fresh group on '${c.driver ?? 'cooperative'}' did not run a task: ${JSON.stringify(r)}`);
  } finally {
    await fresh.close();
  }
  return out;
}
