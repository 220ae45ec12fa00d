/**
 * The conformance case for `transfer(port)`: a MessagePort handed to a task with `transfer()` reaches
 * it as a working port, under the drivers whose tasks run in the caller's process (`thread`, `pool`
 * with threads, `cooperative`). A driver whose tasks run in another process cannot move a port: the
 * slot fails as `unserializable` with driver-kit's message naming the driver (`refuseMovedPorts`),
 * never a serializer's dump of the port.
 */
import assert from 'node:assert/strict';
import { MessageChannel, type MessagePort } from 'node:worker_threads';
import { transfer } from '../transfer.js';
import { WaitGroup } from '../wait-group.js';
import type { ConformanceCase } from './cases.js';
import * as p from './fixtures/port-tasks.js';

/** The drivers (by their suite name) that must move a port. */
const MOVES_PORTS: ReadonlySet<string> = new Set(['thread', 'pool', 'cooperative']);

/** What the other end of the port heard, or `undefined` when nothing came within `ms`. */
function heard(port: MessagePort, ms: number): Promise<unknown> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(undefined), ms);
    port.once('message', (message: unknown) => {
      clearTimeout(timer);
      resolve(message);
    });
  });
}

/**
 * `transfer(port)` works where tasks share the caller's process, and fails clearly elsewhere.
 *
 * @example
 * ```ts
 * await TRANSFER_PORT_CASE.run(ctx);
 * ```
 */
export const TRANSFER_PORT_CASE: ConformanceCase = {
  id: 'transfer-message-port',
  title:
    'transfer(port) hands the task a working MessagePort (thread, pool threads, cooperative); other drivers fail the slot naming themselves',
  timeout: 60_000,
  async run(ctx) {
    const driver = ctx.driver();
    const { port1, port2 } = new MessageChannel();
    try {
      const answer = heard(port1, 30_000);
      const wg = new WaitGroup({ driver, config: false, timeout: 30_000 });
      wg.go(p.replyOnPort, transfer(port2), 'ping');
      const [r] = await wg.wait();
      await wg.close();
      assert.ok(r !== undefined, 'no result');
      if (r.ok) {
        assert.equal(r.value, 'posted');
        assert.deepEqual(await answer, { echo: 'ping' }, 'the task posted on the port, nothing arrived');
        return;
      }
      assert.ok(!MOVES_PORTS.has(ctx.name), `${ctx.name} must move a port: ${r.error.message}`);
      assert.equal(r.error.kind, 'unserializable', r.error.message);
      assert.match(r.error.message, new RegExp(`^the ${driver.name}\\b.* driver cannot move a MessagePort`));
    } finally {
      port1.close();
    }
  },
};

/** The transfer-port cases, in the order they run. */
export const TRANSFER_PORT_CASES: readonly ConformanceCase[] = [TRANSFER_PORT_CASE];
