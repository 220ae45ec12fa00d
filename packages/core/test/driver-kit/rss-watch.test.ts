/** The RSS sampler behind `maxRssMb`: reading a process's resident set, the watch, the failure. */
import { describe, expect, it } from 'vitest';
import { processRssBytes, rssLimitFailure, watchRss } from '../../src/driver-kit/rss-watch.js';

describe('rss-watch', () => {
  it("reads this process's RSS, and undefined for a process that does not exist", () => {
    const rss = processRssBytes(process.pid);
    expect(rss).toBeGreaterThan(10 * 1024 * 1024);
    expect(rss).toBeLessThan(process.memoryUsage().rss * 2);
    expect(processRssBytes(2 ** 22 + 12345)).toBeUndefined();
  });

  it('calls onOver once when the process is over the limit', async () => {
    const seen = await new Promise<number>((resolve) => {
      watchRss(process.pid, 1, resolve);
    });
    expect(seen).toBeGreaterThan(1024 * 1024);
  });

  it('stays quiet under the limit until stopped', async () => {
    let calls = 0;
    const watch = watchRss(process.pid, 1_048_576, () => calls++);
    await new Promise((r) => setTimeout(r, 350));
    watch.stop();
    expect(calls).toBe(0);
  });

  it('names the worker, the figure and the limit', () => {
    expect(rssLimitFailure(300 * 1024 * 1024, 256, 'child process')).toMatchObject({
      kind: 'oom',
      name: 'OutOfMemoryError',
      code: 'ERR_ISOLANE_RSS_LIMIT',
      message: "the task's child process used 300 MiB of memory (RSS), over maxRssMb (256); it was killed",
    });
  });
});
