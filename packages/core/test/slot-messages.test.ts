import { describe, expect, it } from 'vitest';
import type { JobHandle } from '../src/driver.js';
import {
  type CallerFrame,
  CREDIT_BATCH,
  MESSAGE_WINDOW,
  PROGRESS_ACK_BATCH,
  PROGRESS_WINDOW,
} from '../src/message-frames.js';
import { SlotMessages, type SlotMessagesHost } from '../src/slot-messages.js';

function setup(overrides: Partial<SlotMessagesHost> = {}) {
  const events = { dropped: 0, corrupt: [] as string[], threw: [] as unknown[] };
  const host: SlotMessagesHost = {
    onMessage: undefined,
    onProgress: undefined,
    dropped: () => {
      events.dropped++;
    },
    corrupt: (_slot, detail) => {
      events.corrupt.push(detail);
    },
    handlerThrew: (_slot, err) => {
      events.threw.push(err);
    },
    ...overrides,
  };
  const sent: CallerFrame[] = [];
  const handle: JobHandle = { abort() {}, toTask: (f) => sent.push(f) };
  return { box: new SlotMessages(host, 0, 'test'), events, sent, handle };
}

describe('SlotMessages (the caller side)', () => {
  it('keeps sends until the job starts, then delivers them in order', async () => {
    const { box, sent, handle } = setup();
    const a = box.send('a');
    const b = box.send('b');
    expect(sent).toEqual([]);
    box.attach(handle, 'test');
    await Promise.all([a, b]);
    expect(sent).toEqual([
      { t: 'msg', v: 'a' },
      { t: 'msg', v: 'b' },
    ]);
  });

  it('rejects a send when the driver carries no messages, naming it', async () => {
    const { box } = setup();
    box.attach({ abort() {} }, 'custom');
    await expect(box.send(1)).rejects.toThrow(/custom driver does not carry task messages/);
  });

  it('a task past the window corrupts the slot', () => {
    const { box, events, handle } = setup();
    box.attach(handle, 'test');
    for (let i = 0; i <= MESSAGE_WINDOW; i++) box.fromTask({ t: 'msg', v: i });
    expect(events.corrupt).toEqual([`more than ${MESSAGE_WINDOW} messages in flight (the message window)`]);
  });

  it('a forged credit corrupts the slot', () => {
    const { box, events, handle } = setup();
    box.attach(handle, 'test');
    box.fromTask({ t: 'credit', n: 1 });
    expect(events.corrupt).toHaveLength(1);
  });

  it('credits go back in batches as messages are read; the iterator ends after settle', async () => {
    const { box, sent, handle } = setup();
    box.attach(handle, 'test');
    for (let i = 0; i < CREDIT_BATCH; i++) box.fromTask({ t: 'msg', v: i });
    box.settle();
    const seen: unknown[] = [];
    for await (const m of box.messages()) seen.push(m);
    expect(seen).toHaveLength(CREDIT_BATCH);
    expect(sent).toEqual([]); // settled: no credits to a finished task
  });

  it('onMessage takes every message; a throwing handler is reported; progress keeps the latest', () => {
    const got: unknown[] = [];
    const { box, events, sent, handle } = setup({
      onMessage: (m) => {
        got.push(m);
        if (m === 'bad') throw new Error('handler');
      },
    });
    box.attach(handle, 'test');
    for (let i = 0; i < CREDIT_BATCH; i++) box.fromTask({ t: 'msg', v: i === 0 ? 'bad' : i });
    box.fromTask({ t: 'progress', v: 1 });
    box.fromTask({ t: 'progress', v: 2 });
    expect(got).toHaveLength(CREDIT_BATCH);
    expect(events.threw).toHaveLength(1);
    expect(sent).toEqual([{ t: 'credit', n: CREDIT_BATCH }]);
    expect(box.progress).toBe(2);
  });

  it('after settle: sends and messages are dropped and counted', async () => {
    const { box, events, handle } = setup();
    box.attach(handle, 'test');
    box.settle();
    await box.send('late');
    box.fromTask({ t: 'msg', v: 'late' });
    expect(events.dropped).toBe(2);
  });

  it('acknowledges progress reports in batches, after the handler; none once settled', () => {
    const seen: unknown[] = [];
    const { box, sent, handle } = setup({ onProgress: (v) => seen.push(v) });
    box.attach(handle, 'test');
    for (let i = 0; i < PROGRESS_WINDOW; i++) box.fromTask({ t: 'progress', v: i });
    expect(sent).toEqual(
      Array.from({ length: PROGRESS_WINDOW / PROGRESS_ACK_BATCH }, () => ({
        t: 'credit',
        n: PROGRESS_ACK_BATCH,
        progress: true,
      })),
    );
    expect(seen).toEqual(Array.from({ length: PROGRESS_WINDOW }, (_, i) => i));
    box.settle();
    for (let i = 0; i < PROGRESS_WINDOW; i++) box.fromTask({ t: 'progress', v: i });
    expect(sent).toHaveLength(PROGRESS_WINDOW / PROGRESS_ACK_BATCH);
  });

  it('progress received before the handle is known is acknowledged once it is', () => {
    const { box, sent, handle } = setup();
    for (let i = 0; i < PROGRESS_WINDOW; i++) box.fromTask({ t: 'progress', v: i });
    expect(sent).toEqual([]);
    box.attach(handle, 'test');
    expect(sent).toEqual([{ t: 'credit', n: PROGRESS_WINDOW, progress: true }]);
    expect(box.progress).toBe(PROGRESS_WINDOW - 1);
  });
});
