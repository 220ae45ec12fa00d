import { describe, expect, it } from 'vitest';
import { checkTargets } from '../src/targets.js';
import { sampleResult } from './fixtures/sample-result.js';

describe('checkTargets', () => {
  it('checks each target against the run and marks the unmeasured ones', () => {
    const targets = checkTargets(sampleResult);
    const byId = new Map(targets.map((t) => [t.id, t]));
    expect(byId.get('thread-cold')).toMatchObject({ measured: 1.2, met: false });
    expect(byId.get('thread-prespawn')).toMatchObject({ measured: 1.5, met: true });
    expect(byId.get('thread-prespawn-gain')).toMatchObject({ measured: 20, met: true });
    expect(byId.get('fork-cold')).toMatchObject({ measured: null, met: null });
    expect(byId.get('pool-throughput')).toMatchObject({ measured: null, met: null });
    expect(targets.every((t) => t.issue === 3 || t.issue === 4)).toBe(true);
  });
});
