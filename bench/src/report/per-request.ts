/**
 * Issue 15's figures in the reports: a group per request next to one reused group (the comparison
 * table's "reused group" cell and a Markdown section with the construction cost), and the CPU a warm
 * pool's spin-poll costs next to the latency it buys.
 */
import type { BenchResult, LatencyRow, SubjectInfo } from '../result.js';
import { formatMs, formatRatio } from './format.js';

/** The legend lines the comparison table gets for the per-request and reused-group figures. */
export const PER_REQUEST_NOTES: readonly string[] = [
  'warm for an isolane driver = a new WaitGroup per request (new, go, wait), what a server does; reused group = go + take that one completion on one long-lived group, taken in the same rounds; a peer has no group: its warm figure is the same run() call a server makes per request',
];

/**
 * The comparison table's "reused group" cell of a subject.
 *
 * @example
 * ```ts
 * reusedCell(subject, row); // '27 µs (per request 1.35× that)'
 * ```
 */
export function reusedCell(subject: SubjectInfo, row: LatencyRow | undefined): string {
  if (!row) return '-';
  if (row.error) return 'error';
  if (row.reused) {
    const vs = row.perRequestVsReused;
    return `${formatMs(row.reused.p50)}${vs ? ` (per request ${formatRatio(vs)} that)` : ''}`;
  }
  return subject.kind === 'peer' ? 'n/a (warm = per request)' : '-';
}

function table(head: readonly string[], rows: readonly (readonly string[])[]): string[] {
  const cell = (t: string): string => t.replace(/\|/g, '\\|').replace(/\n/g, ' ');
  return [
    `| ${head.map(cell).join(' | ')} |`,
    `|${head.map(() => '---').join('|')}|`,
    ...rows.map((r) => `| ${r.map(cell).join(' | ')} |`),
  ];
}

/**
 * The Markdown sections for issue 15: per request vs reused group (with the raw floor and the group's
 * construction cost), and the spin-poll CPU cost. Empty when the result has none of these figures.
 *
 * @example
 * ```ts
 * out.push(...perRequestMarkdown(result));
 * ```
 */
export function perRequestMarkdown(result: BenchResult): string[] {
  const label = (id: string): string => result.subjects.find((s) => s.id === id)?.label ?? id;
  const rows = (result.latency ?? []).filter((r) => !r.error && r.warm);
  const out: string[] = [];
  const withGroup = rows.filter((r) => r.reused || r.construction);
  const peers = rows.filter((r) => result.subjects.find((s) => s.id === r.subject)?.kind === 'peer');
  if (withGroup.length > 0) {
    out.push(
      '',
      '### A group per request vs one reused group',
      '',
      'A server makes a `WaitGroup` per request (new, go, wait). "Per request" is that, the warm figure above; ' +
        '"reused group" is one long-lived group taking one task at a time (go, then take that one completion ' +
        'from its async iterator), measured in the same rounds and the same process. "vs floor" is the per-request ' +
        'figure over the floor it alternated with (the raw ping-pong for pools; p-limit with a structuredClone of ' +
        'argument and result for the cooperative driver). Construction: `new WaitGroup({ driver: name })` next to a ' +
        '`structuredClone` of a small object, alternated blocks.',
      '',
      ...table(
        [
          'subject',
          'warm mode',
          'per request p50',
          'reused group p50',
          'per request / reused',
          'vs floor',
          'new WaitGroup',
          'structuredClone',
          'ratio',
        ],
        withGroup.map((r) => [
          label(r.subject),
          r.warmMode ?? '-',
          formatMs(r.warm!.p50),
          r.reused ? formatMs(r.reused.p50) : '-',
          r.perRequestVsReused ? formatRatio(r.perRequestVsReused) : '-',
          r.warmVs ? `${formatRatio(r.warmVs.ratio)} ${label(r.warmVs.baseline)}` : '-',
          r.construction ? formatMs(r.construction.newGroup.p50) : '-',
          r.construction ? formatMs(r.construction.structuredClone.p50) : '-',
          r.construction ? formatRatio(r.construction.ratio) : '-',
        ]),
      ),
    );
    if (peers.length > 0) {
      out.push(
        '',
        `The peers have no group: their per-request figure is their one \`run()\` call — ${peers
          .map((r) => `${label(r.subject)} ${formatMs(r.warm!.p50)}`)
          .join(', ')}.`,
      );
    }
  }
  const spin = rows.filter((r) => r.spin);
  if (spin.length > 0) {
    const s0 = spin[0]!.spin!;
    out.push(
      '',
      '### What the warm round trip costs in CPU',
      '',
      `CPU time of the measuring process (every thread: the caller's and a thread pool's workers) plus its child ` +
        `processes (a process pool's workers, read from /proc), over ${s0.tasks} sequential per-request round trips, ` +
        `then over about ${formatMs(s0.idleMs)} of idleness right after them. "Spins for" is the time after the last ` +
        `result until the last ${formatMs(s0.windowMs)} window in which CPU stayed above a fifth of a core (0: no such window). ` +
        'The idle CPU includes the sampling itself (the same for every row). A pool worker thread that finished a lone task ' +
        'polls its port for 20 µs before it sleeps, while such polls mostly find the next request (else after one lone task in 8; ' +
        '`packages/pool/src/worker-loop.ts`; threads only, on more than one core): the latency that ' +
        'buys is in the warm column; its price is in the CPU per 1,000 tasks, not in idle time.',
      '',
      ...table(
        [
          'subject',
          'warm p50',
          `CPU per 1,000 round trips`,
          'wall per 1,000',
          'CPU while idle',
          'spins for',
          'child processes counted',
        ],
        spin.map((r) => {
          const s = r.spin!;
          return [
            label(r.subject),
            formatMs(r.warm!.p50),
            formatMs(s.cpuMsPerThousand),
            formatMs((s.burstMs * 1000) / s.tasks),
            `${formatMs(s.idleCpuMs)} in ${formatMs(s.idleMs)}`,
            s.spinMs > 0 ? formatMs(s.spinMs) : '0',
            String(s.childProcesses),
          ];
        }),
      ),
    );
  }
  return out;
}
