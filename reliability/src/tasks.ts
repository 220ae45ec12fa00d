/**
 * Module tasks the stress and leak-gate scripts run. They live in `src` so they compile to plain
 * JavaScript in `dist`, which every driver's workers and children can import.
 */
import { defineTask } from '@isolane/core';

/** Echoes its tag: a result that proves which slot it belongs to. */
export const tagged = defineTask(import.meta.url, 'tagged', (tag: number) => tag);

/** Builds a small object and array, so each task allocates a little on both sides. */
export const smallWork = defineTask(import.meta.url, 'smallWork', (tag: number) => {
  const items = Array.from({ length: 16 }, (_, i) => i * tag);
  return { tag, sum: items.reduce((a, b) => a + b, 0) };
});

/**
 * Collects garbage where it runs (a pool worker, a thread, or the caller under `cooperative`), when the
 * process runs with `--expose-gc`, so memory samples measure what is retained, not what is merely
 * uncollected yet.
 */
export const collectGarbage = defineTask(import.meta.url, 'collectGarbage', async (settleMs: number) => {
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  await new Promise((resolve) => setTimeout(resolve, settleMs));
  return gc !== undefined;
});
