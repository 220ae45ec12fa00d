/**
 * The worker process of the raw BullMQ baseline, written the way a user would: a BullMQ `Worker` whose
 * processor runs the named catalogue task in this process and returns its value (BullMQ stores it as
 * JSON). Arguments: Redis URL, queue name, concurrency. Prints a ready line once connected; SIGTERM
 * closes it.
 */
import { Worker } from 'bullmq';
import { TASKS, type TaskName } from './tasks.js';

const [url = '', queue = '', concurrency = '1'] = process.argv.slice(2);
const { hostname, port } = new URL(url);
const worker = new Worker(
  queue,
  async (job) => {
    const { name, arg } = job.data as { name: TaskName; arg?: unknown };
    return await TASKS[name](arg);
  },
  {
    connection: { host: hostname, port: Number(port), maxRetriesPerRequest: null },
    concurrency: Number(concurrency),
  },
);
worker.on('error', (err) => process.stderr.write(`raw BullMQ worker: ${err.message}\n`));
await worker.waitUntilReady();
process.stdout.write('raw BullMQ worker ready\n');
process.on('SIGTERM', () => {
  void worker.close().finally(() => process.exit(0));
});
