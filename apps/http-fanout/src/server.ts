/**
 * The HTTP server: `/report` fans CPU-heavy work out through a per-request WaitGroup, `/health` answers
 * at once — if the event loop is free to answer. Which it is depends on the isolation model: under
 * `cooperative` the work runs on this very loop, under `thread`/`pool`/`fork` it does not.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type DriverName, shutdown } from '@isolane/core';
import { primeReport } from './fan-out.js';

/** Options of {@link createFanoutServer}. */
export interface FanoutServerOptions {
  /** Driver of the per-request groups. Omitted = `ISOLANE_DRIVER`, config file, default (`pool`). */
  readonly driver?: DriverName | undefined;
  /** Max tasks running at once across all requests (one shared driver). Default: available parallelism. */
  readonly concurrency?: number | undefined;
  /** `/report` default: count primes below this. Default 24,000,000. */
  readonly limit?: number | undefined;
  /** `/report` default: number of tasks per request. Default 4 (~25-40 ms of sieving each). */
  readonly segments?: number | undefined;
  /** Per-task timeout in ms. Default 30,000. */
  readonly timeout?: number | undefined;
}

/** A running (or ready to run) server. */
export interface FanoutServer {
  readonly server: Server;
  /** Starts listening (port 0 = an ephemeral port, host default 127.0.0.1); resolves with the base URL. */
  listen(port?: number, host?: string): Promise<URL>;
  /** Stops accepting, drops idle keep-alive connections, then closes every shared driver (`shutdown()`). */
  close(): Promise<void>;
}

/** Limits that keep one request from asking for minutes of work. */
export const MAX_LIMIT = 200_000_000;
export const MAX_SEGMENTS = 64;

class BadRequest extends Error {}

function intParam(url: URL, name: string, fallback: number, min: number, max: number): number {
  const raw = url.searchParams.get(name);
  if (raw === null) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new BadRequest(`"${name}" must be an integer from ${min} to ${max}, got "${raw}"`);
  }
  return value;
}

function send(res: ServerResponse, status: number, body: unknown, closing = false): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
    // While shutting down, a finished request must not leave its keep-alive socket open.
    ...(closing ? { connection: 'close' } : {}),
  });
  res.end(text);
}

/** How long `close()` lets in-flight requests finish before it drops their connections. */
export const CLOSE_GRACE_MS = 10_000;

/**
 * Creates the server (not listening yet).
 *
 * @example
 * ```ts
 * const app = createFanoutServer({ driver: 'pool' });
 * const url = await app.listen(0);
 * const report = await (await fetch(new URL('/report', url))).json();
 * await app.close();
 * ```
 */
export function createFanoutServer(options: FanoutServerOptions = {}): FanoutServer {
  const defaults = {
    limit: options.limit ?? 24_000_000,
    segments: options.segments ?? 4,
    timeout: options.timeout ?? 30_000,
  };
  let closing = false;
  const reply = (res: ServerResponse, status: number, body: unknown) => send(res, status, body, closing);
  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (req.method !== 'GET') return reply(res, 405, { error: 'only GET is served' });
    if (url.pathname === '/health') return reply(res, 200, { status: 'ok' });
    if (url.pathname !== '/report') return reply(res, 404, { error: `no route ${url.pathname}` });
    const limit = intParam(url, 'limit', defaults.limit, 2, MAX_LIMIT);
    const segments = intParam(url, 'segments', defaults.segments, 1, MAX_SEGMENTS);
    // A client that goes away aborts its tasks: their slots settle as aborted, their work is stopped.
    const gone = new AbortController();
    res.on('close', () => {
      if (!res.writableFinished) gone.abort(new Error('the client closed the connection'));
    });
    const report = await primeReport(limit, segments, {
      driver: options.driver,
      concurrency: options.concurrency,
      timeout: defaults.timeout,
      signal: gone.signal,
    });
    const failed = report.segments.filter((s) => s.failure);
    reply(res, failed.length === 0 ? 200 : 500, report);
  };
  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      if (err instanceof BadRequest) reply(res, 400, { error: err.message });
      else if (!res.headersSent) reply(res, 500, { error: err instanceof Error ? err.message : String(err) });
      else res.destroy();
    });
  });
  return {
    server,
    listen(port = 0, host = '127.0.0.1') {
      return new Promise<URL>((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => {
          server.off('error', reject);
          const address = server.address() as AddressInfo;
          const shown = address.family === 'IPv6' ? `[${address.address}]` : address.address;
          resolve(new URL(`http://${shown}:${address.port}/`));
        });
      });
    },
    async close() {
      closing = true;
      // The callback's error only says the server was not listening: closed either way.
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      const grace = setTimeout(() => server.closeAllConnections(), CLOSE_GRACE_MS);
      try {
        await closed;
      } finally {
        clearTimeout(grace);
      }
      await shutdown();
    },
  };
}
