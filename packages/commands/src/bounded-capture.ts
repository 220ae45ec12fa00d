/**
 * Captures one output stream up to `maxBuffer` bytes. Past the limit bytes are counted, not kept, and
 * the text ends with a marker line saying how much was dropped: a chatty command never turns into an
 * error or an out-of-memory host, and the caller can see that the capture is incomplete.
 */

/**
 * One stream's bounded capture.
 *
 * @example
 * ```ts
 * const out = new BoundedCapture(1024);
 * out.push(Buffer.from('hello\n'));
 * out.text(); // 'hello'
 * ```
 */
export class BoundedCapture {
  private readonly chunks: Buffer[] = [];
  private kept = 0;
  /** Every byte the stream carried, kept or not. */
  bytes = 0;

  constructor(private readonly maxBuffer: number) {}

  /** True when bytes were dropped. */
  get truncated(): boolean {
    return this.bytes > this.kept;
  }

  push(chunk: Buffer): void {
    this.bytes += chunk.length;
    const room = this.maxBuffer - this.kept;
    if (room <= 0) return;
    const part = chunk.length <= room ? chunk : chunk.subarray(0, utf8Boundary(chunk, room));
    if (part.length === 0) return;
    this.chunks.push(part);
    this.kept += part.length;
  }

  /** The captured text, without one final newline (as execa returns it), plus the marker if cut. */
  text(): string {
    let text = Buffer.concat(this.chunks, this.kept).toString('utf8');
    if (this.truncated) {
      const dropped = this.bytes - this.kept;
      if (text.length > 0 && !text.endsWith('\n')) text += '\n';
      return `${text}${truncationMarker(dropped, this.maxBuffer)}`;
    }
    if (text.endsWith('\n')) text = text.slice(0, text.endsWith('\r\n') ? -2 : -1);
    return text;
  }
}

/**
 * The line that ends a truncated capture.
 *
 * @example
 * ```ts
 * truncationMarker(10, 4); // '[isolane: output truncated: 10 more bytes not captured (maxBuffer: 4 bytes)]'
 * ```
 */
export function truncationMarker(dropped: number, maxBuffer: number): string {
  return `[isolane: output truncated: ${dropped} more bytes not captured (maxBuffer: ${maxBuffer} bytes)]`;
}

/** The largest cut at or below `limit` that does not split a UTF-8 character. */
function utf8Boundary(chunk: Buffer, limit: number): number {
  let cut = limit;
  // A continuation byte (10xxxxxx) at the cut means a character straddles it: back off to its start.
  while (cut > 0 && cut > limit - 4 && ((chunk[cut] ?? 0) & 0xc0) === 0x80) cut--;
  return cut;
}
