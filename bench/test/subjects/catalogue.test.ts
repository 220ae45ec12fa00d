import { describe, expect, it } from 'vitest';
import {
  allSubjects,
  DRIVER_FAMILIES,
  PEER_FAMILIES,
  selectSubjects,
  subjectById,
} from '../../src/subjects/catalogue.js';

describe('selectSubjects', () => {
  it('lists every driver and peer by default, drivers first', () => {
    const ids = selectSubjects({}).map((s) => s.id);
    expect(ids).toEqual(allSubjects().map((s) => s.id));
    expect(ids.slice(0, 4)).toEqual(['cooperative', 'thread', 'fork', 'pool']);
  });

  it('has a row for every name --drivers and --peers accept, and no row they cannot select', () => {
    const subjects = allSubjects();
    const drivers = new Set(subjects.filter((s) => s.kind === 'driver').map((s) => s.family));
    const peers = new Set(subjects.filter((s) => s.kind !== 'driver').map((s) => s.family));
    expect(drivers).toEqual(new Set(DRIVER_FAMILIES));
    expect(peers).toEqual(new Set(PEER_FAMILIES));
    // Every peer and baseline is its own family: selecting one by name selects exactly that row.
    for (const s of subjects.filter((x) => x.kind !== 'driver')) expect(s.id).toBe(s.family);
  });

  it('narrows each side by family, variants included', () => {
    expect(selectSubjects({ drivers: ['pool'], peers: [] }).map((s) => s.id)).toEqual([
      'pool',
      'pool-process',
      'pool-recycle',
    ]);
    expect(selectSubjects({ drivers: ['cooperative'], peers: ['p-limit'] }).map((s) => s.id)).toEqual([
      'cooperative',
      'p-limit',
    ]);
  });

  it('holds the pool of processes to the process baselines, and tinypool child_process with it (issue 17)', () => {
    const processRows = selectSubjects({
      drivers: ['pool'],
      peers: ['tinypool-process', 'raw-process-ping-pong'],
    })
      .filter((s) => s.features.processes)
      .map((s) => [s.id, s.kind, s.baselines]);
    expect(processRows).toEqual([
      [
        'pool-process',
        'driver',
        { cold: 'raw-fork', warm: 'raw-process-ping-pong', throughput: 'tinypool-process' },
      ],
      ['raw-process-ping-pong', 'baseline', {}],
      [
        'tinypool-process',
        'peer',
        { cold: 'raw-fork', warm: 'raw-process-ping-pong', throughput: 'raw-process-ping-pong' },
      ],
    ]);
    expect(subjectById('pool-process').label).toBe('isolane pool (processes)');
    expect(subjectById('raw-process-ping-pong').features.noProbes).toBeDefined();
    // The thread peers keep the thread baselines.
    expect(subjectById('tinypool').baselines.warm).toBe('raw-ping-pong');
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
