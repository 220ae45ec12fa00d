/**
 * Messages: how many task→caller messages per second a running task can send through its channel
 * (`taskContext().send()`, consumed by the caller's `wg.messages(slot)`), on the pool (threads, and warm
 * processes), next to a raw MessagePort stream from a warm `new Worker` (no window, no credits). Issue
 * 18 asks the pool's threads for at least half the raw figure. Each sample streams `perSample` messages;
 * the subjects are measured in alternating blocks in this one process, so a machine whose speed drifts
 * cannot bias the ratio; the figure of each is the median of its samples.
 */
import { WaitGroup } from '@isolane/core';
import { PoolDriver } from '@isolane/pool';
import { unitProgress } from '../child/unit-progress.js';
import type { Plan } from '../plan.js';
import { type Stats, summarize } from '../stats.js';
import { openRawMessageStream } from '../subjects/raw-message-stream.js';
import { streamMessages } from '../workers/message-tasks.js';

/** One row of the messages measure. */
export interface MessagesRow {
  /** `raw-message-port`, `pool` (threads) or `pool-process`. */
  readonly subject: string;
  readonly label: string;
  /** Messages per second, per sample. */
  readonly perSecond: Stats;
  /** Median messages/s over the raw stream's (undefined for the raw row itself). */
  readonly ratio?: number;
  readonly error?: string;
}

/** The messages measure's figures. */
export interface MessagesResult {
  /** Messages each sample streams. */
  readonly perSample: number;
  /** Samples per subject. */
  readonly samples: number;
  /** The message sent: a small object. */
  readonly message: string;
  /** The pool's threads must reach this fraction of the raw stream (issue 18). */
  readonly target: number;
  readonly rows: readonly MessagesRow[];
}

/** Issue 18: the pool's task→caller messages per second, at least half a raw MessagePort stream's. */
export const MESSAGES_TARGET = 0.5;

/** One way of streaming `n` messages from a warm worker to this thread; resolves with how many came. */
interface Streamer {
  readonly subject: string;
  readonly label: string;
  stream(n: number): Promise<number>;
  close(): Promise<void>;
}

async function poolStreamer(runtime: 'thread' | 'process'): Promise<Streamer> {
  const driver = new PoolDriver(runtime === 'process' ? { concurrency: 1, runtime } : { concurrency: 1 });
  const stream = async (n: number): Promise<number> => {
    const wg = new WaitGroup({ driver });
    const slot = wg.go(streamMessages, n);
    let received = 0;
    for await (const m of wg.messages(slot)) {
      if ((m as { seq: number }).seq !== received)
        throw new Error(`pool stream: message ${received} arrived as ${(m as { seq: number }).seq}`);
      received++;
    }
    const [result] = await wg.wait();
    if (!result?.ok) throw new Error(`pool stream task failed: ${result?.error.message ?? 'no result'}`);
    return received;
  };
  await stream(10); // warm: the worker is up and the task module loaded
  return {
    subject: runtime === 'process' ? 'pool-process' : 'pool',
    label: runtime === 'process' ? "pool (runtime 'process'), ctx.send()" : 'pool, ctx.send()',
    stream,
    close: () => driver.close(),
  };
}

async function rawStreamer(): Promise<Streamer> {
  const raw = await openRawMessageStream();
  await raw.stream(10);
  return { subject: 'raw-message-port', label: 'raw MessagePort stream', ...raw };
}

/**
 * The sizes of the measure for a plan: a quick run streams fewer messages, in fewer samples.
 *
 * @example
 * ```ts
 * messagesSizes(makePlan(true)); // { perSample: 20000, samples: 5 }
 * ```
 */
export function messagesSizes(plan: Pick<Plan, 'quick'>): { perSample: number; samples: number } {
  return plan.quick ? { perSample: 20_000, samples: 5 } : { perSample: 100_000, samples: 9 };
}

/**
 * Runs the messages measure (in a unit host of its own: it starts a worker thread and a process).
 *
 * @example
 * ```ts
 * const result = await measureMessages(makePlan(true));
 * result.rows.find((r) => r.subject === 'pool')?.ratio; // e.g. 0.7
 * ```
 */
export async function measureMessages(
  plan: Pick<Plan, 'quick'>,
  sizes = messagesSizes(plan),
): Promise<MessagesResult> {
  const { perSample, samples } = sizes;
  const makers: ReadonlyArray<{ subject: string; label: string; make: () => Promise<Streamer> }> = [
    { subject: 'raw-message-port', label: 'raw MessagePort stream', make: rawStreamer },
    { subject: 'pool', label: 'pool, ctx.send()', make: () => poolStreamer('thread') },
    {
      subject: 'pool-process',
      label: "pool (runtime 'process'), ctx.send()",
      make: () => poolStreamer('process'),
    },
  ];
  const streamers: (Streamer | { subject: string; label: string; error: string })[] = [];
  for (const { subject, label, make } of makers) {
    try {
      streamers.push(await make());
    } catch (err) {
      streamers.push({ subject, label, error: (err as Error).message });
    }
  }
  const perSecond: number[][] = streamers.map(() => []);
  const errors: (string | undefined)[] = streamers.map((s) => ('error' in s ? s.error : undefined));
  try {
    for (let round = 0; round < samples; round++) {
      for (let k = 0; k < streamers.length; k++) {
        // Rotate the order each round, so no subject always runs right after another.
        const i = (round + k) % streamers.length;
        const s = streamers[i]!;
        if ('error' in s || errors[i] !== undefined) continue;
        try {
          const t0 = performance.now();
          const got = await s.stream(perSample);
          const ms = performance.now() - t0;
          if (got !== perSample) throw new Error(`${got} of ${perSample} messages arrived`);
          perSecond[i]!.push((perSample / ms) * 1_000);
        } catch (err) {
          errors[i] = (err as Error).message;
        }
      }
      unitProgress(`round ${round + 1}/${samples}`);
    }
  } finally {
    await Promise.all(streamers.map((s) => ('close' in s ? s.close().catch(() => {}) : undefined)));
  }
  const raw = perSecond[0]!.length > 0 ? summarize(perSecond[0]!).p50 : undefined;
  const rows = streamers.map((s, i): MessagesRow => {
    const error = errors[i];
    const values = perSecond[i]!;
    if (values.length === 0)
      return { subject: s.subject, label: s.label, perSecond: summarize([0]), error: error ?? 'no sample' };
    const stats = summarize(values);
    return {
      subject: s.subject,
      label: s.label,
      perSecond: stats,
      ...(i > 0 && raw !== undefined ? { ratio: stats.p50 / raw } : {}),
      ...(error !== undefined ? { error } : {}),
    };
  });
  return { perSample, samples, message: '{ seq: number, note: "tick" }', target: MESSAGES_TARGET, rows };
}
