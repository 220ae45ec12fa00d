/**
 * The JSON output of `isolane-bench task` and its contract: validated against the versioned schema
 * (`schema/task-bench-result.v1.json`) before it is written; `validate-task` checks a saved file.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { Ajv, type ErrorObject } from 'ajv';
import type { TaskBenchResult } from './result.js';

/** Where the schema lives, relative to this compiled module (dist/task → bench/schema). */
export const TASK_SCHEMA_URL = new URL('../../schema/task-bench-result.v1.json', import.meta.url);

let compiled: ReturnType<Ajv['compile']> | undefined;

const describe = (errors: readonly ErrorObject[]): string[] =>
  errors.map((e) => `${e.instancePath || '/'} ${e.message ?? 'is invalid'} ${JSON.stringify(e.params)}`);

/**
 * Checks a value against the task schema; returns the problems (empty when valid).
 *
 * @example
 * ```ts
 * validateTaskResult(JSON.parse(text)); // []
 * ```
 */
export function validateTaskResult(value: unknown): string[] {
  compiled ??= new Ajv({ allErrors: true, strict: true }).compile(
    JSON.parse(readFileSync(TASK_SCHEMA_URL, 'utf8')) as object,
  );
  return compiled(value) ? [] : describe(compiled.errors ?? []);
}

/**
 * Validates a saved file; returns its problems (empty when valid).
 *
 * @example
 * ```ts
 * validateTaskFile('/tmp/task.json'); // []
 * ```
 */
export function validateTaskFile(path: string): string[] {
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    return [`cannot read ${path} as JSON: ${(err as Error).message}`];
  }
  return validateTaskResult(value);
}

/**
 * Writes the result as JSON after checking what a reader will parse against the schema.
 *
 * @example
 * ```ts
 * writeTaskJson(result, '/tmp/task.json');
 * ```
 */
export function writeTaskJson(result: TaskBenchResult, path: string): void {
  const text = `${JSON.stringify(result, null, 2)}\n`;
  const problems = validateTaskResult(JSON.parse(text));
  if (problems.length > 0)
    throw new Error(`the task result does not match its schema:\n  ${problems.join('\n  ')}`);
  writeFileSync(path, text);
}
