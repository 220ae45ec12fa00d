/**
 * An open-loop `/health` prober: it sends a request every `1000 / rate` ms whether or not earlier ones
 * were answered, and times each from the moment it was sent. A closed-loop client (autocannon sends a
 * connection's next request only after the previous answer) sends almost nothing while the server is
 * stalled, so it would hide exactly the stalls this measures (coordinated omission).
 */
import { Agent, request } from 'node:http';

/** Options of {@link probeHealth}. */
export interface ProbeOptions {
  /** Requests per second. */
  readonly rate: number;
  readonly durationS: number;
  /** A request still unanswered after this counts as a failure. Default 30,000 ms. */
  readonly timeoutMs?: number;
}

/** What the prober saw. */
export interface ProbeResult {
  /** Response times of the 2xx answers, ms. */
  readonly samples: number[];
  /** Non-2xx answers, errors and timeouts. */
  readonly failures: number;
}

function once(url: URL, agent: Agent, timeoutMs: number): Promise<number | undefined> {
  const sent = performance.now();
  return new Promise((resolve) => {
    const req = request(url, { agent, timeout: timeoutMs }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode === 200 ? performance.now() - sent : undefined));
      res.on('error', () => resolve(undefined));
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', () => resolve(undefined));
    req.end();
  });
}

/**
 * Polls `url` at a fixed rate for `durationS` seconds, then waits for the last answers.
 *
 * @example
 * ```ts
 * const { samples } = await probeHealth(new URL('http://127.0.0.1:3000/health'), { rate: 100, durationS: 10 });
 * ```
 */
export async function probeHealth(url: URL, options: ProbeOptions): Promise<ProbeResult> {
  const timeoutMs = options.timeoutMs ?? 30_000;
  // Enough sockets that a stall never makes a probe wait for a socket instead of for the server.
  const agent = new Agent({ keepAlive: true, maxSockets: Math.max(16, Math.ceil(options.rate * 5)) });
  const pending: Promise<number | undefined>[] = [];
  const total = Math.max(1, Math.round(options.rate * options.durationS));
  const interval = 1000 / options.rate;
  const start = performance.now();
  try {
    for (let i = 0; i < total; i++) {
      const due = start + i * interval;
      const wait = due - performance.now();
      if (wait > 1) await new Promise((r) => setTimeout(r, wait));
      pending.push(once(url, agent, timeoutMs));
    }
    const answers = await Promise.all(pending);
    const samples = answers.filter((a): a is number => a !== undefined);
    return { samples, failures: answers.length - samples.length };
  } finally {
    agent.destroy();
  }
}
