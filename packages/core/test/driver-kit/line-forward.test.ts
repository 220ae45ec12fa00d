import { spawnSync } from 'node:child_process';
import { PassThrough, Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { LineForward } from '../../src/driver-kit/line-forward.js';

// The exit case runs in a fresh Node process, built (it cannot load the TypeScript source).
const BUILT = new URL('../../dist/driver-kit/line-forward.js', import.meta.url).href;

/** A destination that records each write as one string. */
function recorder(): { dest: Writable; writes: string[] } {
  const writes: string[] = [];
  const dest = new Writable({
    write(chunk: Buffer, _e, cb) {
      writes.push(chunk.toString('utf8'));
      cb();
    },
  });
  return { dest, writes };
}

describe('LineForward', () => {
  it('writes only whole lines: a line cut across chunks goes out in one write, with its newline', () => {
    const { dest, writes } = recorder();
    const lines = new LineForward(new PassThrough(), dest);
    lines.push(Buffer.from('one\ntw'));
    lines.push(Buffer.from('o and a ha'));
    expect(writes).toEqual(['one\n']);
    expect(lines.held).toBe('two and a ha'.length);
    lines.push(Buffer.from('lf\nthree\nfo'));
    expect(writes).toEqual(['one\n', 'two and a half\nthree\n']);
    lines.flush();
    expect(writes).toEqual(['one\n', 'two and a half\nthree\n', 'fo']);
    expect(lines.held).toBe(0);
  });

  it('two children cutting lines at random points still give whole lines, in each one order', () => {
    const { dest, writes } = recorder();
    const a = new LineForward(new PassThrough(), dest);
    const b = new LineForward(new PassThrough(), dest);
    const text = (who: string) =>
      Array.from({ length: 200 }, (_, i) => `${who} ${i} ${'x'.repeat(i % 37)}\n`).join('');
    const cut = (s: string, seed: number): Buffer[] => {
      const parts: Buffer[] = [];
      let at = 0;
      let x = seed;
      while (at < s.length) {
        x = (x * 1103515245 + 12345) % 2 ** 31;
        const n = 1 + (x % 97);
        parts.push(Buffer.from(s.slice(at, at + n)));
        at += n;
      }
      return parts;
    };
    const pa = cut(text('A'), 7);
    const pb = cut(text('B'), 11);
    for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
      if (pa[i]) a.push(pa[i]!);
      if (pb[i]) b.push(pb[i]!);
    }
    for (const w of writes) expect(w.endsWith('\n')).toBe(true);
    const got = writes.join('').split('\n').filter(Boolean);
    expect(got.filter((l) => l.startsWith('A ')).join('\n')).toBe(text('A').trimEnd());
    expect(got.filter((l) => l.startsWith('B ')).join('\n')).toBe(text('B').trimEnd());
    expect(got.length).toBe(400);
  });

  it('a line longer than the cap goes out in pieces instead of growing memory', () => {
    const { dest, writes } = recorder();
    const lines = new LineForward(new PassThrough(), dest, 1_000);
    for (let i = 0; i < 10; i++) lines.push(Buffer.from('y'.repeat(300)));
    expect(lines.held).toBeLessThanOrEqual(1_000);
    lines.push(Buffer.from('end\n'));
    lines.flush();
    expect(writes.join('')).toBe(`${'y'.repeat(3_000)}end\n`);
  });

  it('keeps multi-byte characters whole across chunks', () => {
    const { dest, writes } = recorder();
    const lines = new LineForward(new PassThrough(), dest);
    const bytes = Buffer.from('héllo wörld ✓\n');
    for (let i = 0; i < bytes.length; i++) lines.push(bytes.subarray(i, i + 1));
    expect(writes).toEqual(['héllo wörld ✓\n']);
  });

  it('pauses its source when the destination is full and loses nothing', async () => {
    const got: Buffer[] = [];
    let release: (() => void) | undefined;
    const dest = new Writable({
      highWaterMark: 4,
      write(chunk: Buffer, _e, cb) {
        got.push(chunk);
        release = cb;
      },
    });
    const source = new PassThrough();
    source.resume();
    const lines = new LineForward(source, dest);
    lines.push(Buffer.from('first line\nsecond'));
    expect(source.isPaused()).toBe(true);
    lines.push(Buffer.from(' line\n'));
    const drained = new Promise((resolve) => dest.once('drain', resolve));
    while (release) {
      const r = release;
      release = undefined;
      r();
      await new Promise((resolve) => setImmediate(resolve));
    }
    await drained;
    expect(Buffer.concat(got).toString()).toBe('first line\nsecond line\n');
  });

  it("what is held of a line goes out when this process exits (a worker's last line without a newline)", () => {
    const script = `
      const { PassThrough } = await import('node:stream');
      const { LineForward } = await import(${JSON.stringify(BUILT)});
      const lines = new LineForward(new PassThrough(), process.stdout);
      lines.push(Buffer.from('whole line\\nno newline at the end'));`;
    const run = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(run.stderr).toBe('');
    expect(run.stdout).toBe('whole line\nno newline at the end');
  }, 40_000);
});
