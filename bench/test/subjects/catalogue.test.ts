import { describe, expect, it } from 'vitest';
import { allSubjects, selectSubjects } from '../../src/subjects/catalogue.js';

describe('selectSubjects', () => {
  it('lists every driver and peer by default, drivers first', () => {
    const ids = selectSubjects({}).map((s) => s.id);
    expect(ids).toEqual(allSubjects().map((s) => s.id));
    expect(ids.slice(0, 4)).toEqual(['cooperative', 'thread', 'fork', 'pool']);
    expect(ids).toEqual(
      expect.arrayContaining([
        'raw-fork',
        'raw-worker',
        'raw-ping-pong',
        'piscina',
        'tinypool',
        'workerpool',
        'poolifier',
        'p-limit',
      ]),
    );
  });

  it('narrows each side by family, variants included', () => {
    expect(selectSubjects({ drivers: ['pool'], peers: [] }).map((s) => s.id)).toEqual([
      'pool',
      'pool-recycle',
    ]);
    expect(selectSubjects({ drivers: ['cooperative'], peers: ['p-limit'] }).map((s) => s.id)).toEqual([
      'cooperative',
      'p-limit',
    ]);
  });

  it('rejects unknown names, naming the option', () => {
    expect(() => selectSubjects({ drivers: ['threads'] })).toThrow(/--drivers: unknown name "threads"/);
    expect(() => selectSubjects({ peers: ['bree'] })).toThrow(/--peers: unknown name "bree"/);
  });

  it('gives every subject a unique id and the baselines it names exist', () => {
    const subjects = allSubjects();
    const ids = new Set(subjects.map((s) => s.id));
    expect(ids.size).toBe(subjects.length);
    for (const s of subjects) {
      for (const b of Object.values(s.baselines)) expect(ids.has(b)).toBe(true);
    }
  });
});
