/**
 * A WaitGroup's side of its slots' two-way messages (issue 18): one {@link SlotMessages} per slot that
 * uses them (made on first use, so a group whose tasks never send pays nothing), the group's
 * `onMessage` / `onProgress` handlers, and the count of dropped messages.
 */
import type { JobHandle } from './driver.js';
import { channelCorruptedFailure } from './driver-kit/failures.js';
import { type TaskFailure, toFailure } from './failure.js';
import { SlotMessages, type SlotMessagesHost } from './slot-messages.js';
import { reportStray, type StrayHandler } from './stray-routing.js';

/** The group options the messages read. */
export interface MessageOptions {
  readonly onMessage?: ((message: unknown, slot: number) => void) | undefined;
  readonly onProgress?: ((value: unknown, slot: number) => void) | undefined;
  readonly onError?: StrayHandler | undefined;
}

/**
 * Throws a `RangeError` naming the method unless `slot` is a slot `go()` returned.
 *
 * @example
 * ```ts
 * checkSlot(3, wg.size, 'send'); // RangeError: WaitGroup.send(): no slot 3 (slots are 0 to 1)
 * ```
 */
export function checkSlot(slot: number, size: number, method: string): void {
  if (!Number.isInteger(slot) || slot < 0 || slot >= size) {
    const range = size === 0 ? 'no slot was started yet' : `slots are 0 to ${size - 1}`;
    throw new RangeError(`WaitGroup.${method}(): no slot ${String(slot)} (${range})`);
  }
}

/**
 * The messages of a group's slots.
 *
 * @example
 * ```ts
 * const messages = new GroupMessages(options, wg, (slot, failure) => failSlot(slot, failure));
 * messages.box(0, handle, false).fromTask({ t: 'msg', v: 1 });
 * ```
 */
export class GroupMessages {
  /** Messages dropped because their slot had settled. */
  dropped = 0;
  readonly #boxes = new Map<number, SlotMessages>();
  readonly #host: SlotMessagesHost;
  readonly #group: { readonly driverName: string | undefined };

  constructor(
    options: MessageOptions,
    group: { readonly driverName: string | undefined },
    fail: (slot: number, failure: TaskFailure) => void,
  ) {
    const { onMessage, onProgress, onError } = options;
    this.#group = group;
    this.#host = {
      onMessage,
      onProgress,
      dropped: () => {
        this.dropped++;
      },
      corrupt: (slot, detail) =>
        fail(slot, channelCorruptedFailure({ worker: `${group.driverName ?? 'driver'} worker`, detail })),
      handlerThrew: (slot, err) => reportStray(onError, toFailure(err, 'threw'), slot),
    };
  }

  /** The slot's messages if it used any. */
  get(index: number): SlotMessages | undefined {
    return this.#boxes.get(index);
  }

  /** The slot's messages, made now if needed (`handle`: its job's, once started; `settled`: it has its result). */
  box(index: number, handle: JobHandle | undefined, settled: boolean): SlotMessages {
    let box = this.#boxes.get(index);
    if (box === undefined) {
      box = new SlotMessages(this.#host, index, this.#group.driverName);
      this.#boxes.set(index, box);
      if (handle !== undefined) box.attach(handle, this.#group.driverName);
      if (settled) box.settle();
    }
    return box;
  }
}
