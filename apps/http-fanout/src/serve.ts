#!/usr/bin/env node
/**
 * `http-fanout-serve`: runs the server until SIGINT/SIGTERM, then shuts down cleanly (requests drain,
 * shared drivers close). Prints one line with the URL, which the load script reads to find the port.
 */
import { type DriverName, KNOWN_DRIVERS } from '@isolane/core';
import { Command, InvalidArgumentError } from 'commander';
import { createFanoutServer } from './server.js';

function integer(label: string, min: number) {
  return (value: string): number => {
    const n = Number(value.replaceAll('_', ''));
    if (!Number.isInteger(n) || n < min)
      throw new InvalidArgumentError(`${label} must be an integer >= ${min}`);
    return n;
  };
}

function driver(value: string): DriverName {
  if ((KNOWN_DRIVERS as readonly string[]).includes(value)) return value as DriverName;
  throw new InvalidArgumentError(`--driver must be one of ${KNOWN_DRIVERS.join(', ')}; got "${value}"`);
}

interface ServeFlags {
  driver?: DriverName;
  port: number;
  host: string;
  concurrency?: number;
  limit?: number;
  segments?: number;
}

const program = new Command('http-fanout-serve')
  .description('HTTP server whose /report fans prime counting out through an isolane WaitGroup')
  .option(
    '--driver <name>',
    `one of ${KNOWN_DRIVERS.join(', ')} (default: ISOLANE_DRIVER, config, pool)`,
    driver,
  )
  .option('--port <n>', 'port (0 = ephemeral)', integer('--port', 0), 3000)
  .option('--host <address>', 'address to listen on', '127.0.0.1')
  .option('--concurrency <n>', 'max tasks running at once across requests', integer('--concurrency', 1))
  .option('--limit <n>', '/report default: count primes below n', integer('--limit', 2))
  .option('--segments <n>', '/report default: tasks per request', integer('--segments', 1))
  .action(async (flags: ServeFlags) => {
    const app = createFanoutServer({
      driver: flags.driver,
      concurrency: flags.concurrency,
      limit: flags.limit,
      segments: flags.segments,
    });
    const url = await app.listen(flags.port, flags.host);
    console.log(`listening on ${url.href} (driver ${flags.driver ?? 'from config'})`);
    const stop = (signal: string) => {
      console.log(`${signal}: shutting down`);
      app.close().then(
        () => process.exit(0),
        (err: unknown) => {
          console.error(err);
          process.exit(1);
        },
      );
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });

await program.parseAsync();
