/**
 * The per-worker heap limit in the form worker threads take it (`resourceLimits`), shared by every
 * thread-based subject so that "memory limit N MiB" means the same V8 setting on each row.
 */

/** The `resourceLimits` part of a Worker's options; absent when no limit is asked for. */
export interface HeapLimitOption {
  readonly resourceLimits?: { readonly maxOldGenerationSizeMb: number };
}

/**
 * `{ resourceLimits: { maxOldGenerationSizeMb } }` for a limit, `{}` for none (0 or undefined), ready to
 * spread into (or pass as) a Worker's options.
 *
 * @example
 * ```ts
 * new Worker(url, heapLimit(options.memoryLimitMb));
 * heapLimit(64); // { resourceLimits: { maxOldGenerationSizeMb: 64 } }
 * ```
 */
export function heapLimit(memoryLimitMb: number | undefined): HeapLimitOption {
  return memoryLimitMb ? { resourceLimits: { maxOldGenerationSizeMb: memoryLimitMb } } : {};
}
