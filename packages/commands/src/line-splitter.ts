/**
 * Turns a byte stream into lines: UTF-8 decoded across chunk boundaries, split on `\n` with a trailing
 * `\r` removed, the last unterminated line delivered at the end. A line longer than
 * {@link MAX_LINE_CHARS} is delivered in pieces of that size so one endless line cannot grow without
 * bound.
 */
import { StringDecoder } from 'node:string_decoder';

/** Longest piece delivered as one line (1 Mi characters). */
export const MAX_LINE_CHARS = 1_048_576;

/**
 * Incremental line splitter.
 *
 * @example
 * ```ts
 * const split = new LineSplitter();
 * split.push(Buffer.from('a\nb')); // ['a']
 * split.end();                     // ['b']
 * ```
 */
export class LineSplitter {
  private readonly decoder = new StringDecoder('utf8');
  private pending = '';

  constructor(private readonly maxLine = MAX_LINE_CHARS) {}

  /** The complete lines this chunk finished. */
  push(chunk: Buffer): string[] {
    const text = this.pending + this.decoder.write(chunk);
    const lines = text.split('\n');
    this.pending = lines.pop() ?? '';
    for (let i = 0; i < lines.length; i++) lines[i] = stripCr(lines[i] as string);
    while (this.pending.length >= this.maxLine) {
      lines.push(this.pending.slice(0, this.maxLine));
      this.pending = this.pending.slice(this.maxLine);
    }
    return lines;
  }

  /** The last line, if the stream did not end with a newline. */
  end(): string[] {
    const rest = this.pending + this.decoder.end();
    this.pending = '';
    return rest.length > 0 ? [stripCr(rest)] : [];
  }
}

function stripCr(line: string): string {
  return line.endsWith('\r') ? line.slice(0, -1) : line;
}
