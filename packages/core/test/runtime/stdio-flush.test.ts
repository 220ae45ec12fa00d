import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';

// The module captures the worker's own stdout/stderr at load: it is exercised inside a worker thread,
// built (a thread cannot load the TypeScript source).
const FLUSH = new URL('../../dist/runtime/stdio-flush.js', import.meta.url).href;

/** Runs `body` in a thread whose stderr the test reads itself; resolves with what the thread posted and the stderr bytes read by then. */
function inThread(body: string): Promise<{ messages: unknown[]; bytesAtMessage: number[]; total: number }> {
  const source = `
    const { parentPort } = require('node:worker_threads');
    import(${JSON.stringify(FLUSH)}).then(({ afterOutput, outputPending }) => { ${body} });`;
  return new Promise((resolve, reject) => {
    const worker = new Worker(source, { eval: true, stderr: true });
    let bytes = 0;
    const messages: unknown[] = [];
    const bytesAtMessage: number[] = [];
    worker.stderr.on('data', (chunk: Buffer) => {
      bytes += chunk.length;
    });
    worker.on('message', (m) => {
      messages.push(m);
      bytesAtMessage.push(bytes);
    });
    worker.on('error', reject);
    worker.on('exit', () => resolve({ messages, bytesAtMessage, total: bytes }));
  });
}

describe('afterOutput / outputPending', () => {
  it('call back at once, with nothing pending, when nothing was written', async () => {
    const { messages } = await inThread(`
      let sync = false;
      const pending = outputPending();
      afterOutput(() => { sync = true; });
      parentPort.postMessage({ pending, sync });`);
    expect(messages).toEqual([{ pending: false, sync: true }]);
  }, 30_000);

  it('hold the callback until the parent has taken in every byte written before it (2 MiB)', async () => {
    const { messages, bytesAtMessage, total } = await inThread(`
      const line = 'y'.repeat(1023) + '\\n';
      for (let i = 0; i < 2048; i++) process.stderr.write(line);
      const pending = outputPending();
      afterOutput(() => parentPort.postMessage({ pending, after: outputPending() }));`);
    expect(total).toBe(2 * 1024 * 1024);
    expect(messages).toEqual([{ pending: true, after: false }]);
    // Without the wait the message overtakes most of the output (the pool read 1 KiB of 20 MiB by then).
    expect(bytesAtMessage[0]).toBe(total);
  }, 30_000);

  it('ignore a task that replaced process.stderr.write after load', async () => {
    const { messages, bytesAtMessage, total } = await inThread(`
      const real = process.stderr;
      for (let i = 0; i < 512; i++) real.write('z'.repeat(1023) + '\\n');
      real.write = () => true;
      afterOutput(() => parentPort.postMessage('flushed'));`);
    expect(messages).toEqual(['flushed']);
    expect(total).toBe(512 * 1024);
    expect(bytesAtMessage[0]).toBe(total);
  }, 30_000);
});
