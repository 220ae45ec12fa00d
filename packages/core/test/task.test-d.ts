import { expectTypeOf, test } from 'vitest';
import type { ModuleTask, Result } from '../src/index.js';
import { defineTask, settle, WaitGroup } from '../src/index.js';

const userStats = defineTask(import.meta.url, 'userStats', async (id: number, opts?: { deep: boolean }) => ({
  id,
  deep: opts?.deep ?? false,
}));

test('defineTask keeps the function type and is still callable', () => {
  expectTypeOf(userStats).toMatchTypeOf<
    ModuleTask<[number, { deep: boolean }?], Promise<{ id: number; deep: boolean }>>
  >();
  expectTypeOf(userStats(1)).resolves.toEqualTypeOf<{ id: number; deep: boolean }>();
});

test('go() checks arguments against the task', () => {
  const wg = new WaitGroup();
  expectTypeOf(wg.go(userStats, 1)).toBeNumber();
  wg.go(userStats, 1, { deep: true });
  // @ts-expect-error: wrong argument type
  wg.go(userStats, 'one');
  // @ts-expect-error: inline function arguments are checked too
  wg.go((a: number, b: number) => a + b, 1, '2');
});

test('settle types each position', async () => {
  const [a, b] = await settle([[userStats, 7], () => 'x']);
  expectTypeOf(a).toEqualTypeOf<Result<{ id: number; deep: boolean }>>();
  expectTypeOf(b).toEqualTypeOf<Result<string>>();
});

test('a typed group accepts only tasks of its result type and types wait()', async () => {
  const wg = new WaitGroup<number>();
  wg.go((a: number) => a * 2, 2);
  wg.go(async () => 3);
  // @ts-expect-error: a group of numbers refuses a task returning a string
  wg.go(() => 'x');
  expectTypeOf(await wg.wait()).toEqualTypeOf<Result<number>[]>();
});
