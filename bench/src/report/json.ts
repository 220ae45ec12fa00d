/**
 * The JSON report and its contract: results are validated against the versioned schema
 * (`schema/bench-result.v1.json`, shipped next to `dist/`) before they are written, and `validate`
 * checks a saved file — what CI does with the `--quick` run.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { Ajv, type ErrorObject } from 'ajv';
import type { BenchResult } from '../result.js';

/** Where the schema lives, relative to this compiled module (dist/report → bench/schema). */
export const SCHEMA_URL = new URL('../../schema/bench-result.v1.json', import.meta.url);

let compiled: ReturnType<Ajv['compile']> | undefined;

function validator(): ReturnType<Ajv['compile']> {
  if (!compiled) {
    const schema = JSON.parse(readFileSync(SCHEMA_URL, 'utf8')) as object;
    compiled = new Ajv({ allErrors: true, strict: true }).compile(schema);
  }
  return compiled;
}

function describe(errors: readonly ErrorObject[]): string[] {
  return errors.map(
    (e) =>
      `${e.instancePath || '/'} ${e.message ?? 'is invalid'}${e.params ? ` ${JSON.stringify(e.params)}` : ''}`,
  );
}

/**
 * Checks a value against the schema; resolves with the list of problems (empty when valid).
 *
 * @example
 * ```ts
 * validateResult(JSON.parse(text)); // []
 * ```
 */
export function validateResult(value: unknown): string[] {
  const validate = validator();
  return validate(value) ? [] : describe(validate.errors ?? []);
}

/**
 * The JSON text of a result (throws if the result does not match its own schema: a bench bug).
 *
 * @example
 * ```ts
 * writeFileSync('bench.json', renderJson(result));
 * ```
 */
export function renderJson(result: BenchResult): string {
  const text = `${JSON.stringify(result, null, 2)}\n`;
  // Validate what a reader will parse, not the in-memory object (undefined fields vanish in JSON).
  const problems = validateResult(JSON.parse(text));
  if (problems.length > 0)
    throw new Error(`the bench result does not match its schema:\n  ${problems.join('\n  ')}`);
  return text;
}

/**
 * Validates a saved JSON file; returns its problems (empty when valid).
 *
 * @example
 * ```ts
 * validateFile('/tmp/bench.json'); // []
 * ```
 */
export function validateFile(path: string): string[] {
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    return [`cannot read ${path} as JSON: ${(err as Error).message}`];
  }
  return validateResult(value);
}

/**
 * Writes a result as JSON.
 *
 * @example
 * ```ts
 * writeJson(result, 'bench.json');
 * ```
 */
export function writeJson(result: BenchResult, path: string): void {
  writeFileSync(path, renderJson(result));
}

/**
 * Reads a saved result, throwing a readable error when it is not a valid bench-result.v1.
 *
 * @example
 * ```ts
 * const result = readResult('bench.json');
 * ```
 */
export function readResult(path: string): BenchResult {
  const problems = validateFile(path);
  if (problems.length > 0)
    throw new Error(`${path} is not a valid bench-result.v1:\n  ${problems.join('\n  ')}`);
  return JSON.parse(readFileSync(path, 'utf8')) as BenchResult;
}
