// The raw BullMQ baseline's worker: a hand-written Worker whose processor is the trivial task itself.
import { Worker } from 'bullmq';

const [url, queue, concurrency] = process.argv.slice(2);
const { hostname, port } = new URL(url);
const worker = new Worker(queue, async (job) => job.data.a + job.data.b, {
  connection: { host: hostname, port: Number(port), maxRetriesPerRequest: null },
  concurrency: Number(concurrency),
});
worker.on('error', () => {});
await worker.waitUntilReady();
process.stdout.write('raw worker ready\n');
process.on('SIGTERM', () => void worker.close().then(() => process.exit(0)));
