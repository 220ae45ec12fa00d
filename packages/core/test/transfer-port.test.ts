/**
 * `transfer(port)`: a MessagePort moved to the task passes the portability check, is moved (not
 * copied) into the snapshot and listed for the driver to move onward; one that is not wrapped is still
 * refused, with a hint naming transfer().
 */
import { MessageChannel, type MessagePort } from 'node:worker_threads';
import { afterEach, describe, expect, it } from 'vitest';
import { snapshotArgs } from '../src/argument-snapshot.js';
import { isCaptureError } from '../src/errors.js';
import { transfer } from '../src/transfer.js';

const open: MessagePort[] = [];
function channel(): MessageChannel {
  const c = new MessageChannel();
  open.push(c.port1, c.port2);
  return c;
}

afterEach(() => {
  for (const port of open.splice(0)) port.close();
});

describe('transfer(port)', () => {
  it('moves the port into the snapshot and lists it for the driver', async () => {
    const { port1, port2 } = channel();
    const snap = snapshotArgs([transfer(port2), { n: 1 }]);
    const moved = snap.args[0] as MessagePort;
    open.push(moved);
    expect(moved).not.toBe(port2);
    expect(snap.transfer).toEqual([moved]);
    const got = new Promise((resolve) => port1.once('message', resolve));
    moved.postMessage('through the moved port');
    expect(await got).toBe('through the moved port');
  });

  it('still refuses a port that is not moved, and says how to move it', () => {
    const { port2 } = channel();
    let thrown: unknown;
    try {
      snapshotArgs([{ reply: port2 }]);
    } catch (err) {
      thrown = err;
    }
    expect(isCaptureError(thrown)).toBe(true);
    expect((thrown as Error).message).toContain('args[0].reply');
    expect((thrown as Error).message).toContain('transfer(port)');
  });
});
