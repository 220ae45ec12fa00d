// How a child's death becomes its task's failure.
import { describe, expect, it } from 'vitest';
import { deathFailure, spawnFailure } from '../src/child-death.js';

const exit = { exitCode: null, signal: null, oom: false, stderrTail: '' };

describe('deathFailure', () => {
  it('is crashed with the exit code or the signal once the task started', () => {
    expect(deathFailure({ ...exit, exitCode: 3 }, { started: true, memoryLimitMb: undefined })).toMatchObject(
      {
        kind: 'crashed',
        exitCode: 3,
      },
    );
    const f = deathFailure({ ...exit, signal: 'SIGKILL' }, { started: true, memoryLimitMb: undefined });
    expect(f).toMatchObject({
      kind: 'crashed',
      signal: 'SIGKILL',
      message: expect.stringMatching(/killed by SIGKILL/),
    });
    expect(f.exitCode).toBeUndefined();
  });

  it('keeps ERR_ACCESS_DENIED when the permission model killed the child (e.g. before its task started)', () => {
    const tail =
      "    at new Worker (node:internal/worker:215:21) {\n  code: 'ERR_ACCESS_DENIED',\n  permission: 'WorkerThreads',\n  resource: ''\n}\n";
    const early = deathFailure(
      { ...exit, exitCode: 1, stderrTail: tail },
      { started: false, memoryLimitMb: undefined },
    );
    expect(early).toMatchObject({ kind: 'bootstrap', code: 'ERR_ACCESS_DENIED', exitCode: 1 });
    expect(early.message).toContain('an access the permission model denied');
    const late = deathFailure(
      { ...exit, exitCode: 1, stderrTail: tail },
      { started: true, memoryLimitMb: undefined },
    );
    expect(late).toMatchObject({ kind: 'crashed', code: 'ERR_ACCESS_DENIED' });
    const other = deathFailure(
      { ...exit, exitCode: 1, stderrTail: "code: 'ENOENT'" },
      { started: false, memoryLimitMb: undefined },
    );
    expect(other.code).toBeUndefined();
  });

  it('is oom when V8 reported the heap exhausted, whatever the status', () => {
    const tail =
      '<--- JS stacktrace --->\nFATAL ERROR: Reached heap limit Allocation failed - JavaScript heap out of memory\n';
    const f = deathFailure(
      { ...exit, signal: 'SIGABRT', oom: true, stderrTail: tail },
      { started: true, memoryLimitMb: 64 },
    );
    expect(f).toMatchObject({ kind: 'oom', name: 'OutOfMemoryError', signal: 'SIGABRT' });
    // driver-kit's headline, then how the child ended and V8's report.
    expect(f.message).toMatch(
      /^the task ran out of memory \(memoryLimitMb: 64\); its child process was killed by SIGABRT: FATAL ERROR: Reached heap limit/,
    );
  });

  it('is bootstrap when the child died before its task started, with the end of its stderr', () => {
    const f = deathFailure(
      { ...exit, exitCode: 1, stderrTail: 'Error: cannot find module x\n' },
      { started: false, memoryLimitMb: undefined },
    );
    expect(f).toMatchObject({ kind: 'bootstrap', exitCode: 1 });
    expect(f.message).toContain('cannot find module x');
    expect(
      deathFailure({ ...exit, spawnError: 'spawn ENOMEM' }, { started: false, memoryLimitMb: undefined })
        .kind,
    ).toBe('bootstrap');
  });

  it("words a crash as driver-kit's crashedFailure, and a failed spawn as a bootstrap failure", () => {
    const f = deathFailure(
      { ...exit, exitCode: 2, stderrTail: 'boom\n' },
      { started: true, memoryLimitMb: undefined },
    );
    expect(f.message).toBe(
      "the task's child process exited with code 2 before the task settled; its stderr ended with:\nboom",
    );
    expect(spawnFailure('spawn EAGAIN')).toMatchObject({
      kind: 'bootstrap',
      name: 'BootstrapError',
      message: 'the child process could not be started: spawn EAGAIN',
    });
  });
});
