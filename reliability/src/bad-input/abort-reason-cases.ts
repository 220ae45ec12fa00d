/**
 * The bad-input rows of odd abort reasons and of arguments that only look expensive: a group aborted
 * with a reason that has no text (no prototype, a throwing `toString` or `message` getter, a Proxy, a
 * revoked Proxy) fails its open slots as `aborted` with a readable message and never throws; a sparse
 * array as long as an array can be, or a Proxy, is judged at once (the portability check costs the
 * elements present, as structured clone does); a `go()` on an aborted group leaves the caller's
 * transferred buffer attached.
 */
import { transfer, type WaitGroup } from '@isolane/core';
import { type BadInputCase, captureSync, type Expected, goCase, type Loose, tasks } from './case-kit.js';
import type { CaseContext } from './context.js';

const UNPRINTABLE = /^the group was aborted: <unprintable reason>$/;

const aborted = (message: RegExp): Expected => ({
  surface: 'slot',
  name: 'AbortError',
  kind: 'aborted',
  message,
});

/** A row of `wg.abort(reason)` on a group with one open slot (the aborted group is not reused). */
function abortCase(input: string, reason: () => unknown, message: RegExp): BadInputCase {
  return {
    entry: 'wg.abort(reason)',
    input,
    expected: aborted(message),
    run: (ctx: CaseContext) => {
      const wg = ctx.group();
      wg.go(tasks.double, 1);
      wg.abort(reason());
      ctx.lastGroup = undefined;
      return wg.wait();
    },
  };
}

function throwingMessageError(): Error {
  const err = new Error('hidden');
  Object.defineProperty(err, 'message', {
    get() {
      throw new Error('message getter');
    },
  });
  return err;
}

function throwingProxy(): object {
  const handler = new Proxy(
    {},
    {
      get: () => () => {
        throw new Error('trap');
      },
    },
  );
  return new Proxy({}, handler);
}

function revokedProxy(): object {
  const { proxy, revoke } = Proxy.revocable({}, {});
  revoke();
  return proxy;
}

/**
 * Odd abort reasons, huge sparse arrays and Proxies as arguments, `go()` on an aborted group.
 *
 * @example
 * ```ts
 * for (const c of ABORT_REASON_CASES) console.log(c.entry, c.input);
 * ```
 */
export const ABORT_REASON_CASES: BadInputCase[] = [
  {
    entry: 'options.signal',
    input: "controller.abort(Object.create(null)) on the group's signal",
    expected: aborted(UNPRINTABLE),
    run: (ctx) => {
      const controller = new AbortController();
      const wg = ctx.group({ signal: controller.signal });
      wg.go(tasks.double, 1);
      controller.abort(Object.create(null));
      ctx.lastGroup = undefined;
      return wg.wait();
    },
  },
  abortCase('Object.create(null)', () => Object.create(null), UNPRINTABLE),
  abortCase(
    'an object whose toString throws',
    () => ({
      toString() {
        throw new Error('toString');
      },
    }),
    UNPRINTABLE,
  ),
  abortCase('an Error whose message getter throws', throwingMessageError, /^Error$/),
  abortCase('a Proxy that throws on every trap', throwingProxy, UNPRINTABLE),
  abortCase('a revoked Proxy', revokedProxy, UNPRINTABLE),
  abortCase('Symbol("why")', () => Symbol('why'), /^Symbol\(why\)$/),
  goCase(
    'a sparse array of length 2^32-1 with a function at its last index',
    (wg) => {
      const sparse: unknown[] = [];
      sparse.length = 2 ** 32 - 1;
      sparse[2 ** 32 - 2] = () => 1;
      return wg.go(tasks.double, sparse as Loose);
    },
    { surface: 'throws', name: 'CaptureError', message: /args\[0\]\[4294967294\]: functions cannot cross/ },
  ),
  goCase('a Proxy as an argument', (wg) => wg.go(tasks.double, new Proxy({}, {}) as Loose), {
    surface: 'throws',
    name: 'CaptureError',
    message: /args\[0\]: a Proxy cannot be cloned/,
  }),
  {
    entry: 'wg.go(task, ...args)',
    input: 'transfer(bytes) on an aborted group (bytes stay attached)',
    expected: aborted(/^stopped$/),
    run: (ctx) => {
      const wg: WaitGroup = ctx.group();
      wg.abort('stopped');
      ctx.lastGroup = undefined;
      const bytes = new Uint8Array(8);
      const thrown = captureSync(() => wg.go(tasks.double, transfer(bytes) as Loose));
      if (thrown !== undefined) return { thrownSync: thrown };
      if (bytes.byteLength !== 8) throw new Error('the transferred buffer was detached by an aborted group');
      return wg.wait();
    },
  },
];
