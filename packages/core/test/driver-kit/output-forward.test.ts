import { PassThrough, Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { forwardOutput } from '../../src/driver-kit/output-forward.js';

/** A destination that holds its writes until `release()` is called. */
function slowDestination(): { dest: Writable; got: Buffer[]; release(): void } {
  const got: Buffer[] = [];
  let held: (() => void) | undefined;
  let open = false;
  const dest = new Writable({
    highWaterMark: 4,
    write(chunk: Buffer, _encoding, callback) {
      got.push(chunk);
      if (open) callback();
      else held = callback;
    },
  });
  return {
    dest,
    got,
    release() {
      open = true;
      held?.();
    },
  };
}

describe('forwardOutput', () => {
  it('writes through while the destination takes it', () => {
    const source = new PassThrough();
    const chunks: Buffer[] = [];
    const dest = new Writable({
      write(chunk: Buffer, _e, cb) {
        chunks.push(chunk);
        cb();
      },
    });
    forwardOutput(source, dest, Buffer.from('abc'));
    expect(Buffer.concat(chunks).toString()).toBe('abc');
    expect(source.isPaused()).toBe(false);
  });

  it('pauses every source on a full destination and resumes them all at its drain, losing nothing', async () => {
    const { dest, got, release } = slowDestination();
    const a = new PassThrough();
    const b = new PassThrough();
    a.resume();
    b.resume();
    forwardOutput(a, dest, Buffer.from('first chunk'));
    forwardOutput(b, dest, Buffer.from('second chunk'));
    expect(a.isPaused()).toBe(true);
    expect(b.isPaused()).toBe(true);
    expect(dest.listenerCount('drain')).toBe(1);
    const drained = new Promise((resolve) => dest.once('drain', resolve));
    release();
    await drained;
    await new Promise((resolve) => setImmediate(resolve));
    expect(a.isPaused()).toBe(false);
    expect(b.isPaused()).toBe(false);
    expect(Buffer.concat(got).toString()).toBe('first chunksecond chunk');
  });
});
