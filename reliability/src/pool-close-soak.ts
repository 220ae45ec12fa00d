/**
 * Pool close() soak: closes pools at every stage of their life, many times over, each run in a `node`
 * process of its own (the pool package's `test/fixtures/close-loop.js`), where a close() whose threads'
 * exit never arrives ends the process with code 13 instead of hanging inside a test runner. The pool
 * package's tests run a few rounds of each; this runs the long soak that catches the rare orderings:
 * 30 rounds of every stage, and 24 fresh processes closing right after their first burst, 4 at a time.
 * Exits non-zero when any run did not print its `closed <n>` cleanly, or made no progress for 60 s.
 *
 * Usage: node reliability/dist/pool-close-soak.js [--rounds N] [--fresh N]
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { intFlag } from './args.js';
import { seconds } from './figures.js';

const FIXTURE = fileURLToPath(new URL('../../packages/pool/test/fixtures/close-loop.js', import.meta.url));
/** A run is killed when it prints nothing (a finished round prints) for this long. */
const STALL_MS = 60_000;

interface Run {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

function runLoop(args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [FIXTURE, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let watchdog: NodeJS.Timeout | undefined;
    const progress = (): void => {
      clearTimeout(watchdog);
      watchdog = setTimeout(() => {
        stderr += `\nno progress for ${STALL_MS} ms: killed`;
        child.kill('SIGKILL');
      }, STALL_MS);
    };
    progress();
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
      progress();
    });
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
      progress();
    });
    child.on('close', (code) => {
      clearTimeout(watchdog);
      resolve({ code, stdout, stderr });
    });
  });
}

/** What is wrong with a run (code 13: close() never settled), or undefined. */
function problemOf(run: Run, expected: string): string | undefined {
  const stderr = run.stderr.replace(/^round \d+\n/gm, '').trim();
  if (run.code === 0 && stderr === '' && run.stdout.trim() === expected) return undefined;
  return `exit ${run.code}, printed ${JSON.stringify(run.stdout.trim())} (expected "${expected}")${stderr ? `: ${stderr}` : ''}`;
}

const rounds = intFlag(process.argv, 'rounds', 30);
const fresh = intFlag(process.argv, 'fresh', 24);
const problems: string[] = [];
const started = performance.now();

const every = problemOf(await runLoop([String(rounds)]), `closed ${rounds * 5}`);
if (every) problems.push(`${rounds} rounds of every stage: ${every}`);
for (let i = 0; i < fresh; i += 4) {
  const batch = Array.from({ length: Math.min(4, fresh - i) }, () => runLoop(['1', 'burst']));
  for (const run of await Promise.all(batch)) {
    const problem = problemOf(run, 'closed 1');
    if (problem) problems.push(`a fresh process's first burst: ${problem}`);
  }
}

console.log(
  `pool close soak: ${rounds * 5} closes over ${rounds} rounds + ${fresh} fresh processes in ${seconds(performance.now() - started)}: ${problems.length === 0 ? 'every close() settled, no thread left' : `${problems.length} problem(s)`}`,
);
for (const p of problems) console.error(`pool close soak: ${p}`);
process.exitCode = problems.length === 0 ? 0 : 1;
