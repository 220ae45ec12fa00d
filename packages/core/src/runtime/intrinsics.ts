/**
 * The builtins a driver's worker-side machinery uses, taken when this module loads — before any
 * bootstrap or task runs — so a task that patches a builtin (`Map.prototype.get`, `Array.prototype.push`,
 * `Promise.prototype.then`, `Object.prototype.then`, `JSON`, `queueMicrotask`, `Atomics`, even
 * `globalThis.process`) cannot break the worker's bookkeeping or forge another task's result. Methods are
 * "uncurried": `mapGet(map, key)` calls the original `Map.prototype.get` with `map` as `this`, through a
 * bound function (a bound function calls its target directly; it never looks up `call` again).
 *
 * What a task patches still affects its own code and, in a warm pool worker, the tasks that run after it
 * there: that is documented state leaking, not something these captures can or should prevent.
 */
const { bind, call } = Function.prototype;

/**
 * Turns a method into a function that takes its `this` as the first argument, bound now: later patches
 * of the method, of `Function.prototype.call`/`apply`/`bind`, do not reach it.
 *
 * @example
 * ```ts
 * const mapGet = uncurryThis(Map.prototype.get);
 * mapGet(new Map([[1, 'a']]), 1); // 'a', even if a task replaced Map.prototype.get since
 * ```
 */
export function uncurryThis<T, A extends readonly unknown[], R>(
  method: (this: T, ...args: A) => R,
): (self: T, ...args: A) => R {
  return bind.call(call, method) as (self: T, ...args: A) => R;
}

/**
 * `Reflect.apply` as it was at load.
 *
 * @example
 * ```ts
 * reflectApply(task, undefined, args); // no spread: a patched Array iterator does not matter
 * ```
 */
export const reflectApply: typeof Reflect.apply = Reflect.apply;

/**
 * `Map.prototype.get` as it was at load, uncurried.
 *
 * @example
 * ```ts
 * mapGet(cache, key);
 * ```
 */
export const mapGet = uncurryThis(Map.prototype.get) as <K, V>(map: Map<K, V>, key: K) => V | undefined;
/**
 * `Map.prototype.set` as it was at load, uncurried.
 *
 * @example
 * ```ts
 * mapSet(cache, key, value);
 * ```
 */
export const mapSet = uncurryThis(Map.prototype.set) as <K, V>(map: Map<K, V>, key: K, value: V) => Map<K, V>;
/**
 * `Map.prototype.has` as it was at load, uncurried.
 *
 * @example
 * ```ts
 * if (mapHas(cache, key)) return;
 * ```
 */
export const mapHas = uncurryThis(Map.prototype.has) as <K, V>(map: Map<K, V>, key: K) => boolean;
/**
 * `Set.prototype.has` as it was at load, uncurried.
 *
 * @example
 * ```ts
 * if (setHas(seen, value)) return;
 * ```
 */
export const setHas = uncurryThis(Set.prototype.has) as <T>(set: Set<T>, value: T) => boolean;
/**
 * `Set.prototype.add` as it was at load, uncurried.
 *
 * @example
 * ```ts
 * setAdd(cancelled, id);
 * ```
 */
export const setAdd = uncurryThis(Set.prototype.add) as <T>(set: Set<T>, value: T) => Set<T>;
/**
 * `Set.prototype.delete` as it was at load, uncurried.
 *
 * @example
 * ```ts
 * if (setDelete(cancelled, id)) skip(id);
 * ```
 */
export const setDelete = uncurryThis(Set.prototype.delete) as <T>(set: Set<T>, value: T) => boolean;

/**
 * `Promise.prototype.then` as it was at load, uncurried: `promiseThen(p, onValue, onError)`. Pass
 * callbacks that return nothing: a promise resolved with an object looks up that object's `then`,
 * which a task may have added to `Object.prototype`.
 *
 * @example
 * ```ts
 * promiseThen(loading, (mod) => { use(mod); }, (err) => { fail(err); });
 * ```
 */
export const promiseThen = uncurryThis(Promise.prototype.then) as <T>(
  promise: Promise<T>,
  onValue?: ((value: T) => unknown) | null,
  onError?: ((reason: unknown) => unknown) | null,
) => Promise<unknown>;

/**
 * The `Promise` constructor as it was at load.
 *
 * @example
 * ```ts
 * new PromiseCtor<void>((resolve) => later(resolve));
 * ```
 */
export const PromiseCtor: PromiseConstructor = Promise;

/**
 * `Function` as it was at load (compiles inline task sources).
 *
 * @example
 * ```ts
 * new FunctionCtor('return 1')(); // 1
 * ```
 */
export const FunctionCtor: FunctionConstructor = Function;

const ordinaryHasInstance = uncurryThis(Function.prototype[Symbol.hasInstance]) as (
  ctor: Function,
  value: unknown,
) => boolean;

/**
 * True when `Promise.prototype` is on the value's prototype chain (the ordinary `instanceof`, as it was
 * at load: a task's `Promise[Symbol.hasInstance]` does not reach it). A proxy's trap may throw.
 *
 * @example
 * ```ts
 * isNativePromise(Promise.resolve(1)); // true
 * ```
 */
export function isNativePromise(value: unknown): value is Promise<unknown> {
  return ordinaryHasInstance(PromiseCtor, value);
}

/**
 * `Object.prototype` (for the inherited-`then` check: a `then` every object inherits is not a thenable's).
 *
 * @example
 * ```ts
 * const inherited = objectPrototype.then;
 * ```
 */
export const objectPrototype: Record<PropertyKey, unknown> = Object.prototype as Record<PropertyKey, unknown>;

/**
 * `Object.getPrototypeOf` as it was at load.
 *
 * @example
 * ```ts
 * objectGetPrototypeOf([]) === Array.prototype; // true
 * ```
 */
export const objectGetPrototypeOf: typeof Object.getPrototypeOf = Object.getPrototypeOf;

/**
 * `Object.keys` as it was at load.
 *
 * @example
 * ```ts
 * objectKeys({ a: 1 }); // ['a']
 * ```
 */
export const objectKeys: typeof Object.keys = Object.keys;

/**
 * `queueMicrotask` as it was at load.
 *
 * @example
 * ```ts
 * microtask(flush);
 * ```
 */
export const microtask: typeof queueMicrotask = queueMicrotask;

/**
 * `setTimeout` as it was at load.
 *
 * @example
 * ```ts
 * timeoutLater(() => {}, 2);
 * ```
 */
export const timeoutLater: typeof setTimeout = setTimeout;

/**
 * `setInterval` and `clearInterval` as they were at load.
 *
 * @example
 * ```ts
 * const handle = intervalEvery(() => {}, 1_000_000); // holds the event loop open
 * intervalClear(handle);
 * ```
 */
export const intervalEvery: typeof setInterval = setInterval;
/** See {@link intervalEvery}. @example `intervalClear(handle)` */
export const intervalClear: typeof clearInterval = clearInterval;

/**
 * `Atomics.store` as it was at load.
 *
 * @example
 * ```ts
 * atomicsStore(counter, 0, seq);
 * ```
 */
export const atomicsStore: typeof Atomics.store = Atomics.store;

/**
 * The `process` object as it was at load: a task that replaces or deletes `globalThis.process` does not
 * take it away from the worker's machinery.
 *
 * @example
 * ```ts
 * realProcess.on('uncaughtException', onUncaught);
 * ```
 */
export const realProcess: NodeJS.Process = process;
