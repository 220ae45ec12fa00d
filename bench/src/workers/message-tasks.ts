/**
 * The task of the messages measure: sends `count` small messages to its caller through its task
 * context, as fast as the channel's window lets it, then returns how many it sent.
 */
import { defineTask, taskContext } from '@isolane/core/task';

/**
 * Streams `count` messages `{ seq, note }` to the caller, in order.
 *
 * @example
 * ```ts
 * const slot = wg.go(streamMessages, 10_000);
 * for await (const m of wg.messages(slot)) count++;
 * ```
 */
export const streamMessages = defineTask(import.meta.url, 'streamMessages', async (count: number) => {
  const ctx = taskContext();
  for (let i = 0; i < count; i++) await ctx.send({ seq: i, note: 'tick' });
  return count;
});
