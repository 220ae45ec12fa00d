/**
 * `isolane/task`: the light entry for task modules (`@isolane/core/task`), for apps that installed only
 * the umbrella package.
 *
 * @example
 * ```ts
 * // tasks.ts — imported by workers
 * import { defineTask } from 'isolane/task';
 * export const double = defineTask(import.meta.url, 'double', (n: number) => n * 2);
 * ```
 */
export * from '@isolane/core/task';
