import { MessageChannel } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { refuseMovedPorts } from '../../src/driver-kit/moved-ports.js';

describe('refuseMovedPorts', () => {
  it('lets a job without ports through', () => {
    expect(refuseMovedPorts({}, 'fork')).toBeUndefined();
    expect(refuseMovedPorts({ transfer: [new ArrayBuffer(8)] }, 'fork')).toBeUndefined();
  });

  it('refuses a moved port by the driver name, and closes it', async () => {
    const { port1, port2 } = new MessageChannel();
    const closed = new Promise((resolve) => port1.once('close', resolve));
    const failure = refuseMovedPorts({ transfer: [new ArrayBuffer(8), port2] }, 'fork');
    expect(failure?.kind).toBe('unserializable');
    expect(failure?.name).toBe('DataCloneError');
    expect(failure?.message).toMatch(/^the fork driver cannot move a MessagePort \(transfer\(port\)\)/);
    await closed; // the other end hears the refused port close
  });
});
