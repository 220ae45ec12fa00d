/**
 * Isolation: every probe against every subject, each in a sacrificial host process. The host's fate is
 * part of the verdict: a host that died before reporting is "host killed", one that did not report
 * within the hard timeout (blocked, or waiting forever) is "hung". No verdict is ever assumed.
 */
import { runInChild } from '../child/run-in-child.js';
import type { Plan } from '../plan.js';
import { type ProbeDef, probeById } from '../probes/probe-list.js';
import type { ProbeReport } from '../probes/probe-report.js';
import type { ProbeRow } from '../result.js';
import type { Subject } from '../subjects/subject.js';

/** The most telling line of a dead host's stderr: a fatal error or an Error line, else the last line. */
function tellingLine(text: string, max = 200): string {
  const lines = text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l.length > 0);
  const line =
    lines.find((l) => l.startsWith('FATAL ERROR')) ??
    lines.find((l) => /^\w*Error\b.*:/.test(l)) ??
    lines.at(-1) ??
    '';
  return line.length > max ? `${line.slice(0, max)}…` : line;
}

/**
 * The probes that apply to a subject (none for a subject that declares `noProbes`).
 *
 * @example
 * ```ts
 * probesFor(rawPingPongSubject()); // []
 * ```
 */
export function probesFor(subject: Subject, probes: readonly ProbeDef[]): readonly ProbeDef[] {
  return subject.features.noProbes ? [] : probes;
}

/**
 * Runs one probe against one subject in a fresh host process and turns what happened into a row.
 *
 * @example
 * ```ts
 * const row = await runProbe(pLimitSubject(), 'exit', makePlan(true));
 * row.verdict; // 'host killed'
 * ```
 */
export async function runProbe(subject: Subject, probeId: string, plan: Plan): Promise<ProbeRow> {
  const probe = probeById(probeId);
  // A subject that starts servers or processes in open() gets that time on top of the plan's.
  const hardTimeoutMs = plan.probes.hardTimeoutMs + (subject.setupMs ?? 0);
  const outcome = await runInChild(
    { kind: 'probe', subject: subject.id, probe: probe.id, plan },
    { timeoutMs: hardTimeoutMs, execArgv: probe.hostArgs?.(subject, plan) ?? [] },
  );
  const base = { subject: subject.id, probe: probe.id, ms: outcome.ms };
  switch (outcome.status) {
    case 'ok': {
      const report = outcome.data as ProbeReport;
      return {
        ...base,
        verdict: report.verdict,
        safe: report.safe,
        detail: report.detail,
        host: 'ok',
        ...(report.value !== undefined ? { value: report.value } : {}),
      };
    }
    case 'killed': {
      const how = outcome.signal ? `signal ${outcome.signal}` : `exit code ${outcome.exitCode}`;
      const said = tellingLine(outcome.stderr);
      return {
        ...base,
        verdict: 'host killed',
        safe: probe.category === 'memory' ? null : false,
        detail: `the host process died (${how}) before the probe could report${said ? `: ${said}` : ''}`,
        host: 'killed',
      };
    }
    case 'hung':
      return {
        ...base,
        verdict: 'hung',
        safe: probe.category === 'memory' ? null : false,
        detail: `the host did not report within ${hardTimeoutMs} ms and was killed (blocked or waiting forever)`,
        host: 'hung',
      };
    case 'error':
      return {
        ...base,
        verdict: 'error',
        safe: null,
        detail: `the probe itself failed: ${outcome.message}`,
        host: 'error',
      };
  }
}
