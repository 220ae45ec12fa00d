// Which of the parent's Node flags reach a child.
import { describe, expect, it } from 'vitest';
import { childNodeFlags } from '../src/node-flags.js';

describe('childNodeFlags', () => {
  it('keeps loader flags and conditions', () => {
    const flags = [
      '--import',
      'tsx',
      '--conditions=dev',
      '-C',
      'src',
      '--require',
      './hook.cjs',
      '--loader=ts-node/esm',
    ];
    expect(childNodeFlags(flags, undefined)).toEqual(flags);
  });

  it('drops flags that would make the child run something else, with their values', () => {
    expect(
      childNodeFlags(
        ['-e', 'code()', '--import', 'tsx', '--print', 'x', '--input-type', 'module'],
        undefined,
      ),
    ).toEqual(['--import', 'tsx']);
    expect(
      childNodeFlags(
        ['--test', '--test-reporter', 'tap', '--watch', '--inspect-brk=9229', '--eval=x'],
        undefined,
      ),
    ).toEqual([]);
  });

  it('sets the memory limit, replacing the parent’s own', () => {
    expect(childNodeFlags(['--max-old-space-size=4096'], 64)).toEqual(['--max-old-space-size=64']);
    expect(childNodeFlags(['--max-old-space-size', '4096'], 64)).toEqual(['--max-old-space-size=64']);
    expect(childNodeFlags(['--max-old-space-size=4096'], undefined)).toEqual(['--max-old-space-size=4096']);
  });
});
