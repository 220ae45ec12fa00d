/**
 * Cleanup of finished jobs in batches: one script call removes many jobs whose outcome the producer has
 * read, where BullMQ's `Queue.remove` is one script call per job (and writes a "removed" event that
 * every events reader of the queue then parses). A job is removed only from BullMQ's finished sets
 * (`completed`, `failed`): one in any other state is left alone and reported back, for the caller to
 * remove the general way.
 */
import type { Redis } from 'ioredis';

/**
 * For each id: drop it from the queue's finished sets; when it was there, delete its hash and its logs.
 * Returns the ids that were in neither set. Keys are built from the queue's key prefix, as BullMQ's own
 * scripts do.
 */
const SCRIPT = `
local prefix = ARGV[1]
local completed = prefix .. 'completed'
local failed = prefix .. 'failed'
local missed = {}
for i = 2, #ARGV do
  local id = ARGV[i]
  if redis.call('ZREM', completed, id) + redis.call('ZREM', failed, id) > 0 then
    local key = prefix .. id
    redis.call('DEL', key, key .. ':logs')
  else
    missed[#missed + 1] = id
  end
end
return missed
`;

/** Ids per script call: bounds how long one call holds Redis. */
export const REMOVE_BATCH = 500;

type WithRemoveFinished = Redis & {
  isolaneRemoveFinished(prefix: string, ...ids: string[]): Promise<string[]>;
};

/**
 * Removes finished jobs of one queue in batches of {@link REMOVE_BATCH} (one script call each, sent
 * without waiting for the previous one). Resolves with the ids found in no finished set.
 *
 * @example
 * ```ts
 * const missed = await removeFinished(client, queue.toKey(''), ['17', '18']);
 * for (const id of missed) await queue.remove(id); // not finished: the general way
 * ```
 */
export async function removeFinished(
  client: Redis,
  keyPrefix: string,
  ids: readonly string[],
): Promise<string[]> {
  const c = client as WithRemoveFinished;
  if (typeof c.isolaneRemoveFinished !== 'function') {
    client.defineCommand('isolaneRemoveFinished', { numberOfKeys: 0, lua: SCRIPT });
  }
  const calls: Promise<string[]>[] = [];
  for (let i = 0; i < ids.length; i += REMOVE_BATCH) {
    calls.push(c.isolaneRemoveFinished(keyPrefix, ...ids.slice(i, i + REMOVE_BATCH)));
  }
  return (await Promise.all(calls)).flat();
}
