// Bad options throw at the call site, naming the option; good ones resolve with the pool's defaults.
import { describe, expect, it } from 'vitest';
import { CommandPool, runCommands } from '../src/index.js';
import { checkCommandOptions, checkPoolOptions, formatCommand, resolveCommand } from '../src/options.js';

describe('option checks', () => {
  const bad: Array<[unknown, RegExp, ErrorConstructor]> = [
    [
      { concurrency: 0 },
      /options\.concurrency must be an integer from 1 to 4096 or Infinity, got 0/,
      RangeError,
    ],
    [{ concurrency: 1.5 }, /options\.concurrency/, RangeError],
    [{ concurrency: '4' }, /options\.concurrency must be a number, got '4'/, TypeError],
    [{ timeout: 0 }, /options\.timeout must be from 1 to 2147483647 ms/, RangeError],
    [{ timeout: 2 ** 31 }, /options\.timeout/, RangeError],
    [{ timeout: Number.NaN }, /options\.timeout/, RangeError],
    [{ idleTimeout: -5 }, /options\.idleTimeout/, RangeError],
    [{ idleTimeout: '10s' }, /options\.idleTimeout must be a number of ms/, TypeError],
    [{ killGraceMs: -1 }, /options\.killGraceMs/, RangeError],
    [{ maxBuffer: 1.5 }, /options\.maxBuffer must be an integer from 0 to 268435456 bytes/, RangeError],
    [{ maxBuffer: '1mb' }, /options\.maxBuffer must be a number of bytes/, TypeError],
    [{ cwd: 42 }, /options\.cwd must be a string or a URL/, TypeError],
    [{ env: { A: 1 } }, /options\.env\.A must be a string/, TypeError],
    [{ env: 'A=1' }, /options\.env must be an object/, TypeError],
    [{ extendEnv: 'no' }, /options\.extendEnv must be a boolean/, TypeError],
    [{ shell: 1 }, /options\.shell must be a boolean or a shell's path/, TypeError],
    [{ signal: {} }, /options\.signal must be an AbortSignal/, TypeError],
    [{ processGroup: 'yes' }, /options\.processGroup must be a boolean/, TypeError],
    ['fast', /options must be an object, got 'fast'/, TypeError],
  ];
  for (const [options, message, type] of bad) {
    it(`new CommandPool(${JSON.stringify(options)}) throws ${type.name} ${message}`, () => {
      expect(() => new CommandPool(options as never)).toThrow(type);
      expect(() => new CommandPool(options as never)).toThrow(message);
    });
  }

  it('add() checks its key, file, args and options, naming the command', () => {
    const pool = new CommandPool();
    expect(() => pool.add('' as string, 'node')).toThrow(/key must be a non-empty string/);
    expect(() => pool.add('a', '')).toThrow(/file \(the command of 'a'\) must be a non-empty string/);
    expect(() => pool.add('a', 'node', 'x' as never)).toThrow(/args \(of 'a'\) must be an array of strings/);
    expect(() => pool.add('a', 'node', ['x', 2 as never])).toThrow(/args\[1\] \(of 'a'\) must be a string/);
    expect(() => pool.add('a', 'node', [], { timeout: -1 })).toThrow(RangeError);
    expect(() => pool.add('a', 'node', [], { timeout: -1 })).toThrow(/options \(of 'a'\)\.timeout/);
    expect(() => pool.add('a', 'node', [], { input: 5 as never })).toThrow(/options \(of 'a'\)\.input/);
    expect(pool.size).toBe(0);
  });

  it('runCommands checks its commands', async () => {
    await expect(runCommands([] as never)).rejects.toThrow(/commands must be an object/);
    await expect(runCommands({ a: 'node -v' as never })).rejects.toThrow(/commands\.a must be an array/);
  });

  it('accepts Infinity for "no limit" and fills defaults from the pool', () => {
    expect(
      checkPoolOptions({ concurrency: Number.POSITIVE_INFINITY, timeout: Number.POSITIVE_INFINITY }),
    ).toEqual({ concurrency: Number.POSITIVE_INFINITY });
    expect(() => checkCommandOptions({ killGraceMs: 0, maxBuffer: 0 }, 'o')).not.toThrow();
    const spec = resolveCommand(
      'node',
      ['-v'],
      { timeout: 5 },
      { timeout: 9, idleTimeout: 7, env: { A: '1' } },
    );
    expect(spec).toMatchObject({
      timeout: 5,
      idleTimeout: 7,
      env: { A: '1' },
      extendEnv: true,
      shell: false,
    });
    expect(resolveCommand('x', [], {}, {})).toMatchObject({
      timeout: Number.POSITIVE_INFINITY,
      maxBuffer: 16_777_216,
    });
  });

  it('formats a command line for messages', () => {
    expect(formatCommand('node', ['-e', "console.log('a b')"])).toBe(`node -e 'console.log('\\''a b'\\'')'`);
    expect(formatCommand('npm', ['run', 'build:prod'])).toBe('npm run build:prod');
  });
});
