import type { Result, TaskFailure } from '@isolane/core';
import { expectTypeOf, test } from 'vitest';
import { CommandPool, type CommandResult, type CommandValue, runCommands } from '../src/index.js';

test('a command result is a core Result, its failure a TaskFailure', () => {
  expectTypeOf<CommandResult>().toMatchTypeOf<Result<CommandValue>>();
  expectTypeOf<Extract<CommandResult, { ok: false }>['error']>().toMatchTypeOf<TaskFailure>();
});

test('keys are typed', async () => {
  const results = await runCommands({ eu: ['node', ['-v']], us: ['node'] });
  expectTypeOf(results).toEqualTypeOf<{ eu: CommandResult; us: CommandResult }>();
  const pool = new CommandPool<'a' | 'b'>();
  // @ts-expect-error: not one of the pool's keys
  pool.add('c', 'node');
  expectTypeOf(await pool.wait()).toEqualTypeOf<Record<'a' | 'b', CommandResult>>();
});
