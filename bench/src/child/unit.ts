/**
 * A unit of work the bench runs in a child process of its own: one measure of one subject, or one
 * probe. Plain data, sent over IPC, so that every measurement starts from a fresh process and anything a
 * subject leaves behind (threads, children, a patched prototype) dies with that process.
 */
import type { Plan } from '../plan.js';

export type Unit =
  | { readonly kind: 'latency'; readonly subject: string; readonly plan: Plan }
  | { readonly kind: 'throughput'; readonly subject: string; readonly plan: Plan }
  | { readonly kind: 'serial'; readonly plan: Plan; readonly iterations: number }
  | { readonly kind: 'scaling'; readonly subject: string; readonly plan: Plan; readonly iterations: number }
  | { readonly kind: 'cpu-batch'; readonly subject: string; readonly plan: Plan; readonly iterations: number }
  | { readonly kind: 'probe'; readonly subject: string; readonly probe: string; readonly plan: Plan }
  | { readonly kind: 'messages'; readonly plan: Plan };

/** Messages a unit host sends to the bench. */
export type HostMessage =
  | { readonly type: 'result'; readonly data: unknown }
  | { readonly type: 'error'; readonly message: string }
  /** Not the end: how far the host's work got (a task's progress report, as text). */
  | { readonly type: 'progress'; readonly text: string };
