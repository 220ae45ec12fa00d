import { describe, expect, it } from 'vitest';
import { inheritedFlags } from '../../src/driver-kit/inherited-flags.js';

describe('inheritedFlags', () => {
  it('keeps loader flags and conditions', () => {
    expect(inheritedFlags(['--import', 'tsx', '--conditions=dev', '--experimental-strip-types'])).toEqual([
      '--import',
      'tsx',
      '--conditions=dev',
      '--experimental-strip-types',
    ]);
  });

  it('drops flags about the main script or the parent process, with their values', () => {
    expect(
      inheritedFlags([
        '--input-type',
        'module',
        '-e',
        'code',
        '--test',
        '--test-name-pattern',
        'x',
        '--watch-path=src',
        '--inspect=9229',
        '--inspect-port',
        '9230',
        '--enable-source-maps',
      ]),
    ).toEqual(['--enable-source-maps']);
  });

  it('drops the flags the caller sets itself', () => {
    expect(
      inheritedFlags(['--max-old-space-size', '4096', '--trace-warnings'], ['--max-old-space-size']),
    ).toEqual(['--trace-warnings']);
    expect(inheritedFlags(['--max-old-space-size=4096'], ['--max-old-space-size'])).toEqual([]);
  });
});
