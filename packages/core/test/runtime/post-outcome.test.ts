import { describe, expect, it } from 'vitest';
import type { Result } from '../../src/result.js';
import { postOutcome, type RuntimeTransport, unsendableResult } from '../../src/runtime/post-outcome.js';

type Sent = { message: { result: Result<unknown> }; transfer: readonly ArrayBuffer[] | undefined };

/** A channel that refuses a message while `refuse` says so (as postMessage throws a DataCloneError). */
function channel(
  refuse: (message: { result: Result<unknown> }, transfer?: readonly ArrayBuffer[]) => boolean,
) {
  const sent: Sent[] = [];
  const transport: RuntimeTransport<{ result: Result<unknown> }> = {
    post(message, transfer) {
      if (refuse(message, transfer)) throw new Error('#<Object> could not be cloned.');
      sent.push({ message, transfer });
    },
  };
  return { sent, transport };
}
const encode = (result: Result<unknown>) => ({ result });

describe('postOutcome', () => {
  it('posts the encoded outcome with its transfer list', () => {
    const { sent, transport } = channel(() => false);
    const buffer = new ArrayBuffer(8);
    postOutcome(transport, { ok: true, value: buffer, ms: 1 }, encode, [buffer]);
    expect(sent).toEqual([{ message: { result: { ok: true, value: buffer, ms: 1 } }, transfer: [buffer] }]);
  });

  it('a value the channel refuses becomes the one "unserializable" failure, with the task\'s ms', () => {
    const { sent, transport } = channel((m) => m.result.ok);
    postOutcome(transport, { ok: true, value: 'x', ms: 7 }, encode);
    expect(sent).toHaveLength(1);
    expect(sent[0]!.message.result).toEqual({
      ok: false,
      error: {
        kind: 'unserializable',
        name: 'DataCloneError',
        message: "the task's result cannot be sent back: #<Object> could not be cloned.",
      },
      ms: 7,
    });
  });

  it('copies buffers that refuse to move before giving up on the value', () => {
    const { sent, transport } = channel((_m, transfer) => transfer !== undefined);
    const buffer = new ArrayBuffer(8);
    postOutcome(transport, { ok: true, value: buffer, ms: 1 }, encode, [buffer]);
    expect(sent).toEqual([{ message: { result: { ok: true, value: buffer, ms: 1 } }, transfer: undefined }]);
  });

  it('the failure wording names what the channel threw, whatever was thrown', () => {
    expect(unsendableResult('no').message).toBe("the task's result cannot be sent back: no");
    expect(unsendableResult(new RangeError('too deep'))).toMatchObject({
      kind: 'unserializable',
      message: "the task's result cannot be sent back: too deep",
    });
    const { proxy, revoke } = Proxy.revocable({}, {});
    revoke();
    for (const thrown of [proxy, Object.create(null)]) {
      expect(unsendableResult(thrown).message).toBe(
        "the task's result cannot be sent back: an unprintable value was thrown",
      );
    }
  });
});
