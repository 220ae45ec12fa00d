/**
 * The bad-input rows of MessagePort arguments: a port passed without `transfer()` cannot be copied (a
 * `CaptureError` at `go()` saying how to move it), and `transfer(port)` to a driver whose tasks run in
 * another process fails the slot as `unserializable`, naming the driver (thread, pool threads and
 * cooperative move it: see the conformance case `transfer-message-port`).
 */
import { MessageChannel } from 'node:worker_threads';
import { transfer } from '@isolane/core';
import { type BadInputCase, goCase, type Loose, tasks } from './case-kit.js';

/**
 * The MessagePort rows.
 *
 * @example
 * ```ts
 * for (const c of PORT_CASES) console.log(c.input);
 * ```
 */
export const PORT_CASES: readonly BadInputCase[] = [
  goCase(
    'a MessagePort without transfer()',
    (wg) => {
      const { port1, port2 } = new MessageChannel();
      try {
        return wg.go(tasks.double, { reply: port2 } as Loose);
      } finally {
        port1.close();
      }
    },
    {
      surface: 'throws',
      name: 'CaptureError',
      message: /args\[0\]\.reply: a MessagePort cannot be copied: move it with transfer\(port\)/,
    },
  ),
  {
    entry: 'wg.go(task, ...args)',
    input: "transfer(port) (driver: 'fork')",
    expected: {
      surface: 'slot',
      name: 'DataCloneError',
      kind: 'unserializable',
      message:
        /^the fork driver cannot move a MessagePort \(transfer\(port\)\): its tasks run in another process/,
    },
    driver: 'fork',
    run: async (ctx) => {
      const { port1, port2 } = new MessageChannel();
      const wg = ctx.groupOn('fork', { concurrency: 1 });
      wg.go(tasks.double, transfer(port2) as Loose);
      try {
        return await wg.wait();
      } finally {
        port1.close();
      }
    },
  },
];
