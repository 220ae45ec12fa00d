/**
 * The pool's worker-process channel under attack, aimed at the answer pipe (fd 4) alone, so the key check, the
 * length limit and the end-of-stream check are each what catches it (the conformance cases also write
 * to the job pipe, which is caught first). Before the framed channel, a task writing to fd 3 killed
 * the host, a huge header swallowed the result, and a well-formed frame forged it.
 */
import { WaitGroup } from '@isolane/core';
import { childPids, eventually } from '@isolane/core/testing';
import { PoolDriver } from '@isolane/pool';
import { afterAll, describe, expect, it } from 'vitest';

const driver = new PoolDriver({ runtime: 'process', concurrency: 2, stdio: 'ignore' });
const baseline = childPids().length;

afterAll(async () => {
  await driver.close();
  expect(await eventually(() => childPids().length <= baseline, 20_000)).toBe(true);
}, 60_000);

async function attacked(task: () => unknown) {
  const wg = new WaitGroup({ driver, config: false, timeout: 60_000 });
  wg.go(task);
  wg.go((a: number, b: number) => a + b, 1, 2);
  const [hit, sibling] = await wg.wait();
  expect(sibling).toMatchObject({ ok: true, value: 3 });
  const next = new WaitGroup({ driver, config: false, timeout: 60_000 });
  next.go(() => 'next');
  expect((await next.wait())[0]).toMatchObject({ ok: true, value: 'next' });
  return hit;
}

describe('pool driver, process runtime: the answer pipe under attack', () => {
  it('a well-formed frame with a guessed key is never taken for the result', async () => {
    const hit = await attacked(() => {
      const fs = process.getBuiltinModule('node:fs');
      const v8 = process.getBuiltinModule('node:v8');
      const payload = v8.serialize({ t: 'result', result: { ok: true, value: 'FORGED', ms: 0 } });
      const header = Buffer.alloc(20);
      header.writeUInt32BE(payload.length, 0);
      fs.writeSync(4, Buffer.concat([header, payload]));
      return 'REAL';
    });
    expect(hit).toMatchObject({ ok: false, error: { kind: 'crashed', name: 'ChannelError' } });
    expect(hit?.ok === false && hit.error.message).toMatch(/bytes that are not a frame of the driver's/);
  }, 60_000);

  it('a ~4 GiB length header does not swallow the result', async () => {
    const hit = await attacked(() => {
      process.getBuiltinModule('node:fs').writeSync(4, Buffer.from([0xff, 0xff, 0xff, 0xf0]));
      return 'swallowed?';
    });
    expect(hit).toMatchObject({ ok: false, error: { kind: 'crashed', name: 'ChannelError' } });
    expect(hit?.ok === false && hit.error.message).not.toMatch(/before sending a result/);
  }, 60_000);

  it('a frame cut short by the exit fails the slot as the exit (the task called process.exit)', async () => {
    const hit = await attacked(() => {
      process.getBuiltinModule('node:fs').writeSync(4, Buffer.from([0, 0, 1]));
      process.exit(0);
    });
    expect(hit).toMatchObject({ ok: false, error: { kind: 'crashed' } });
  }, 60_000);

  it('a bootstrap that corrupts the channel is a start failure (bootstrap), not an endless respawn', async () => {
    const booted = new PoolDriver({
      runtime: 'process',
      concurrency: 1,
      stdio: 'ignore',
      bootstrap: new URL('./fixtures/boot-garbage.js', import.meta.url).href,
    });
    try {
      const wg = new WaitGroup({ driver: booted, config: false, timeout: 60_000 });
      wg.go(() => 'never');
      const [r] = await wg.wait();
      expect(r).toMatchObject({ ok: false, error: { kind: 'bootstrap' } });
      expect(r?.ok === false && r.error.message).toMatch(/corrupted before it was ready/);
    } finally {
      await booted.close();
    }
  }, 60_000);

  it('process.send does not exist in a worker process', async () => {
    const wg = new WaitGroup({ driver, config: false, timeout: 60_000 });
    wg.go(() => typeof process.send);
    expect((await wg.wait())[0]).toMatchObject({ ok: true, value: 'undefined' });
  }, 60_000);
});
