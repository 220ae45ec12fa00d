/**
 * The bench's output files: every path given on the command line (`--json`, `--md`, `--svg`) is checked
 * before anything is measured, and a write that still fails after the run never loses the results (they
 * are saved to a temporary file, or printed) and never hangs. Directories are made one level at a time:
 * Node 20's `mkdirSync(dir, { recursive: true })` spins forever on a path under /proc.
 */
import { accessSync, constants, existsSync, mkdirSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';

/** The output options of a run. */
export interface OutputTargets {
  readonly json?: string | undefined;
  readonly md?: string | undefined;
  readonly svg?: string | undefined;
}

function reason(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/**
 * Makes a directory and its missing parents, one level at a time (never the recursive flag, which loops
 * forever on some paths under /proc on Node 20). Throws the first level's error.
 *
 * @example
 * ```ts
 * makeDirs('out/charts');
 * ```
 */
export function makeDirs(dir: string): void {
  const missing: string[] = [];
  let at = resolve(dir);
  while (!existsSync(at)) {
    missing.unshift(at);
    const parent = dirname(at);
    if (parent === at) break;
    at = parent;
  }
  if (existsSync(at) && !statSync(at).isDirectory()) {
    throw new Error(`${at} is not a directory`);
  }
  for (const level of missing) mkdirSync(level);
}

/** Throws unless a file can be created in `dir` (made first when missing). */
function assertWritableDir(dir: string): void {
  makeDirs(dir);
  const probe = join(dir, `.isolane-bench-probe-${process.pid}`);
  writeFileSync(probe, '');
  unlinkSync(probe);
}

function checkFile(option: string, file: string): void {
  const path = resolve(file);
  try {
    if (existsSync(path)) {
      if (statSync(path).isDirectory()) throw new Error('it is a directory');
      accessSync(path, constants.W_OK);
    }
    assertWritableDir(dirname(path));
  } catch (err) {
    throw new Error(`${option} ${file}: cannot write there (${reason(err)})`);
  }
}

/**
 * Checks every output path before the run: each file's folder exists (or is made) and takes a new file,
 * an existing file is writable and not a directory, the `--svg` folder is a folder. Throws an Error
 * naming the option and the path.
 *
 * @example
 * ```ts
 * checkOutputPaths({ json: '/proc/nope/x.json' }); // Error: --json /proc/nope/x.json: cannot write there (…)
 * ```
 */
export function checkOutputPaths(targets: OutputTargets): void {
  if (targets.json !== undefined) checkFile('--json', targets.json);
  if (targets.md !== undefined) checkFile('--md', targets.md);
  if (targets.svg !== undefined) {
    try {
      assertWritableDir(resolve(targets.svg));
    } catch (err) {
      throw new Error(`--svg ${targets.svg}: cannot write charts there (${reason(err)})`);
    }
  }
}

/** One output to write: its option, its path and how to write it. */
export interface OutputWrite {
  readonly option: string;
  readonly path: string;
  readonly write: () => string;
}

/** What {@link writeOutputs} did. */
export interface OutputReport {
  /** `--json x.json: EACCES …`, one per output that could not be written. */
  readonly failures: readonly string[];
  /** Where the results were saved instead when something failed ('stdout' when even that failed). */
  readonly keptAt?: string;
}

/**
 * Writes each output; a failure is reported, never thrown, and then the result's JSON is saved to a
 * temporary file (or printed on stdout when that fails too) so the measured figures are never lost.
 * Messages go to `log` (stderr by default).
 *
 * @example
 * ```ts
 * const report = writeOutputs([{ option: '--json', path: file, write: () => writeJson(result, file) }], result);
 * if (report.failures.length > 0) process.exitCode = 1;
 * ```
 */
export function writeOutputs(
  writes: readonly OutputWrite[],
  result: unknown,
  log: (line: string) => void = (line) => process.stderr.write(`${line}\n`),
  keepDir: string = tmpdir(),
): OutputReport {
  const failures: string[] = [];
  for (const w of writes) {
    try {
      log(w.write());
    } catch (err) {
      failures.push(`${w.option} ${w.path}: ${reason(err)}`);
    }
  }
  if (failures.length === 0) return { failures };
  for (const f of failures) log(`isolane-bench: could not write ${f}`);
  const json = `${JSON.stringify(result, null, 2)}\n`;
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const kept = join(keepDir, `isolane-bench-${stamp}-${process.pid}.json`);
  try {
    writeFileSync(kept, json);
    log(`isolane-bench: the results are kept in ${kept}`);
    return { failures, keptAt: kept };
  } catch (err) {
    log(`isolane-bench: could not save the results to ${kept} either (${reason(err)}); here they are:`);
    process.stdout.write(json);
    return { failures, keptAt: 'stdout' };
  }
}
