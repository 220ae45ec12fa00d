/**
 * `isolane`: the umbrella package — `@isolane/core`'s whole API, with all four drivers (`fork`,
 * `thread`, `cooperative`, `pool`) installed as its dependencies, so `npm i isolane` is the one install
 * a user needs. Drivers are still loaded lazily, by name, the first time a group uses them.
 *
 * @example
 * ```ts
 * import { WaitGroup } from 'isolane';
 * await using wg = new WaitGroup({ driver: 'thread' });
 * wg.go((a: number, b: number) => a + b, 1, 2);
 * const [r] = await wg.wait(); // { ok: true, value: 3, ms: … }
 * ```
 */
export * from '@isolane/core';
