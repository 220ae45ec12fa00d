/**
 * The messages measure in the reports (issue 18): task→caller messages per second on the pool next to a
 * raw MessagePort stream, as Markdown lines and as terminal lines.
 */
import type { MessagesResult } from '../measures/messages.js';
import { formatRate, formatRatio } from './format.js';

function rows(m: MessagesResult): string[][] {
  return m.rows.map((r) =>
    r.error !== undefined && r.perSecond.n <= 1
      ? [r.label, `error: ${r.error}`, '', '']
      : [
          r.label,
          formatRate(r.perSecond.p50),
          `${formatRate(r.perSecond.min)} – ${formatRate(r.perSecond.max)}`,
          r.ratio === undefined ? '-' : formatRatio(r.ratio),
        ],
  );
}

/**
 * The Markdown section of the messages measure (empty when the result has none).
 *
 * @example
 * ```ts
 * out.push(...messagesMarkdown(result.messages));
 * ```
 */
export function messagesMarkdown(m: MessagesResult | undefined): string[] {
  if (m === undefined) return [];
  const head = ['stream', 'messages/s (median)', 'min – max', 'vs raw'];
  const body = rows(m);
  return [
    '',
    '## Messages: task → caller',
    '',
    `A running task sends ${m.perSample.toLocaleString('en-US')} messages (${m.message}) to its caller, as fast as the channel lets it: ` +
      'on the pool, `await taskContext().send(m)` in the task and `for await (const m of wg.messages(slot))` in the caller (a window of ' +
      '64 messages, credits given back as the caller reads); the raw stream posts every message at once on a MessagePort from a warm ' +
      `\`new Worker\` (no window). ${m.samples} samples each, taken in alternating rounds in one process. Issue 18 asks the pool's ` +
      `threads for at least ${formatRatio(m.target)} the raw stream.`,
    '',
    `| ${head.join(' | ')} |`,
    `| ${head.map(() => '---').join(' | ')} |`,
    ...body.map((r) => `| ${r.join(' | ')} |`),
  ];
}

/**
 * The terminal lines of the messages measure (empty when the result has none).
 *
 * @example
 * ```ts
 * out.push(...messagesTerminal(result.messages));
 * ```
 */
export function messagesTerminal(m: MessagesResult | undefined): string[] {
  if (m === undefined) return [];
  return [
    '',
    `task → caller messages (${m.perSample.toLocaleString('en-US')} per sample, median of ${m.samples}): ` +
      rows(m)
        .map(([label, rate, , vs]) => `${label} ${rate}${vs && vs !== '-' ? ` (${vs} raw)` : ''}`)
        .join(', '),
  ];
}
