/**
 * The death side of a per-task unit: a Worker or a child process may report one death twice (an
 * 'error' and then an 'exit'), while the session must hear of it exactly once. Both raw baselines
 * report through this, so they count a death the same way.
 */

/** Reports a unit's death once to every listener. */
export interface UnitDeath {
  /** Tells every listener `why`; later calls are ignored. */
  die(why: string): void;
  /** Adds a listener (the `onDeath` of a `Unit`). */
  onDeath(listener: (why: string) => void): void;
}

/**
 * A fresh death notice for one unit.
 *
 * @example
 * ```ts
 * const death = unitDeath();
 * worker.on('exit', (code) => death.die(`worker exited with code ${code}`));
 * return { ..., onDeath: death.onDeath };
 * ```
 */
export function unitDeath(): UnitDeath {
  let dead = false;
  const listeners: ((why: string) => void)[] = [];
  return {
    die(why) {
      if (dead) return;
      dead = true;
      for (const l of listeners) l(why);
    },
    onDeath(listener) {
      listeners.push(listener);
    },
  };
}
