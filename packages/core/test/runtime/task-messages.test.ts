import { describe, expect, it } from 'vitest';
import {
  CREDIT_BATCH,
  MESSAGE_WINDOW,
  PROGRESS_ACK_BATCH,
  PROGRESS_WINDOW,
  type TaskFrame,
} from '../../src/message-frames.js';
import { TaskMessages } from '../../src/runtime/task-messages.js';

function mailbox(): { box: TaskMessages; posted: TaskFrame[] } {
  const posted: TaskFrame[] = [];
  return { box: new TaskMessages((f) => posted.push(f)), posted };
}

describe('TaskMessages (the task side)', () => {
  it('posts up to the window at once, then waits for a credit', async () => {
    const { box, posted } = mailbox();
    for (let i = 0; i < MESSAGE_WINDOW; i++) await box.send(i);
    let resolved = false;
    const next = box.send('over').then(() => {
      resolved = true;
    });
    await Promise.resolve();
    expect(posted).toHaveLength(MESSAGE_WINDOW);
    expect(resolved).toBe(false);
    box.deliver({ t: 'credit', n: 1 });
    await next;
    expect(posted.at(-1)).toEqual({ t: 'msg', v: 'over' });
  });

  it('snapshots a message that waits for room', async () => {
    const { box, posted } = mailbox();
    for (let i = 0; i < MESSAGE_WINDOW; i++) void box.send(i);
    const value = { n: 1 };
    const waiting = box.send(value);
    value.n = 2;
    box.deliver({ t: 'credit', n: 1 });
    await waiting;
    expect(posted.at(-1)).toEqual({ t: 'msg', v: { n: 1 } });
  });

  it('rejects an unportable message with a CaptureError and posts nothing', async () => {
    const { box, posted } = mailbox();
    await expect(box.send(() => 1)).rejects.toMatchObject({ name: 'CaptureError' });
    expect(() => box.progress(Symbol('x'))).toThrow(/progress/);
    expect(posted).toEqual([]);
  });

  it('gives credits back in batches as the inbox is consumed', async () => {
    const { box, posted } = mailbox();
    const signal = new AbortController().signal;
    for (let i = 0; i < CREDIT_BATCH * 2; i++) box.deliver({ t: 'msg', v: i });
    for (let i = 0; i < CREDIT_BATCH * 2; i++) expect(await box.receive(signal)).toBe(i);
    expect(posted).toEqual([
      { t: 'credit', n: CREDIT_BATCH },
      { t: 'credit', n: CREDIT_BATCH },
    ]);
  });

  it('receive() rejects with the abort reason; messages() ends', async () => {
    const { box } = mailbox();
    const controller = new AbortController();
    const pending = box.receive(controller.signal);
    const iterated: unknown[] = [];
    const loop = (async () => {
      for await (const m of box.messages(controller.signal)) iterated.push(m);
    })();
    box.deliver({ t: 'msg', v: 'first' });
    controller.abort('stopped');
    await expect(pending).resolves.toBe('first');
    await loop;
    await expect(box.receive(controller.signal)).rejects.toBe('stopped');
  });

  it('end(): sends waiting for room resolve, later ones post nothing', async () => {
    const { box, posted } = mailbox();
    for (let i = 0; i < MESSAGE_WINDOW; i++) void box.send(i);
    const waiting = box.send('dropped');
    box.end();
    await waiting;
    await box.send('after');
    box.progress('after');
    expect(posted).toHaveLength(MESSAGE_WINDOW);
  });

  it('ignores a credit beyond the window (it never grows past it)', async () => {
    const { box, posted } = mailbox();
    box.deliver({ t: 'credit', n: MESSAGE_WINDOW });
    for (let i = 0; i < MESSAGE_WINDOW + 1; i++) void box.send(i);
    expect(posted).toHaveLength(MESSAGE_WINDOW);
  });

  it('progress: at most PROGRESS_WINDOW in flight; past it the latest snapshot is held, posted on an ack', () => {
    const { box, posted } = mailbox();
    for (let i = 1; i < 1_000; i++) box.progress({ done: i });
    const last = { done: 1_000 };
    box.progress(last);
    last.done = -1; // after the report: the held value is its snapshot
    expect(posted).toHaveLength(PROGRESS_WINDOW);
    expect(posted.at(-1)).toEqual({ t: 'progress', v: { done: PROGRESS_WINDOW } });
    box.deliver({ t: 'credit', n: PROGRESS_ACK_BATCH, progress: true });
    expect(posted).toHaveLength(PROGRESS_WINDOW + 1);
    expect(posted.at(-1)).toEqual({ t: 'progress', v: { done: 1_000 } });
    // Room left: the next reports go at once, up to the window again.
    for (let i = 0; i < PROGRESS_WINDOW; i++) box.progress(i);
    expect(posted).toHaveLength(PROGRESS_WINDOW + PROGRESS_ACK_BATCH);
  });

  it('progress: end() posts the held value past the window (the last report always arrives)', () => {
    const { box, posted } = mailbox();
    for (let i = 1; i <= 100; i++) box.progress(i);
    expect(posted).toHaveLength(PROGRESS_WINDOW);
    box.end();
    expect(posted).toHaveLength(PROGRESS_WINDOW + 1);
    expect(posted.at(-1)).toEqual({ t: 'progress', v: 100 });
    box.deliver({ t: 'credit', n: PROGRESS_WINDOW, progress: true });
    box.progress(101);
    expect(posted).toHaveLength(PROGRESS_WINDOW + 1);
  });

  it('progress acks and message credits are separate windows; a forged ack never grows it', async () => {
    const { box, posted } = mailbox();
    box.deliver({ t: 'credit', n: MESSAGE_WINDOW, progress: true });
    for (let i = 0; i < PROGRESS_WINDOW * 2; i++) box.progress(i);
    expect(posted).toHaveLength(PROGRESS_WINDOW);
    // A full progress window does not hold messages back, and message credits do not free progress.
    for (let i = 0; i < MESSAGE_WINDOW; i++) await box.send(i);
    box.deliver({ t: 'credit', n: CREDIT_BATCH });
    expect(posted.filter((f) => f.t === 'progress')).toHaveLength(PROGRESS_WINDOW);
    expect(posted.filter((f) => f.t === 'msg')).toHaveLength(MESSAGE_WINDOW);
  });
});
