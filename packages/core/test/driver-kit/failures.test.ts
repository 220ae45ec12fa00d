import { describe, expect, it } from 'vitest';
import {
  closedFailure,
  crashedAfterResultFailure,
  crashedFailure,
  describeExit,
  oomFailure,
  stderrTail,
  timeoutFailure,
  unsendableArgsFailure,
} from '../../src/driver-kit/failures.js';

describe('failure factories', () => {
  it('closed: one wording with the driver name, kind aborted', () => {
    expect(closedFailure('fork')).toEqual({
      kind: 'aborted',
      name: 'AbortError',
      message: 'the fork driver was closed',
    });
    expect(closedFailure('pool').message).toBe('the pool driver was closed');
  });

  it('timeout: names the limit, kind timeout, name TimeoutError', () => {
    expect(timeoutFailure(500)).toEqual({
      kind: 'timeout',
      name: 'TimeoutError',
      message: 'the task ran longer than its 500 ms timeout',
    });
  });

  it('oom: a fixed headline, then the worker, its end, the report and the code', () => {
    const bare = oomFailure({ memoryLimitMb: 64 });
    expect(bare).toEqual({
      kind: 'oom',
      name: 'OutOfMemoryError',
      message: 'the task ran out of memory (memoryLimitMb: 64)',
    });
    const full = oomFailure({
      memoryLimitMb: 64,
      worker: 'child process',
      signal: 'SIGABRT',
      exitCode: null,
      report: 'FATAL ERROR: Reached heap limit',
    });
    expect(full.message).toBe(
      'the task ran out of memory (memoryLimitMb: 64); its child process was killed by SIGABRT: FATAL ERROR: Reached heap limit',
    );
    expect(full.message.startsWith(bare.message)).toBe(true);
    expect(full.signal).toBe('SIGABRT');
    expect(full.exitCode).toBeUndefined();
    const thread = oomFailure({ worker: 'worker thread', code: 'ERR_WORKER_OUT_OF_MEMORY', exitCode: 1 });
    expect(thread.message).toBe('the task ran out of memory; its worker thread exited with code 1');
    expect(thread.code).toBe('ERR_WORKER_OUT_OF_MEMORY');
  });

  it('crashed: the worker, how it ended, the reason and the stderr tail', () => {
    const f = crashedFailure({
      worker: 'worker process',
      exitCode: 3,
      reason: 'the task called process.exit(3)',
      stderrTail: `${Array.from({ length: 12 }, (_, i) => `line ${i}`).join('\n')}\n\n`,
    });
    expect(f.kind).toBe('crashed');
    expect(f.name).toBe('CrashError');
    expect(f.exitCode).toBe(3);
    expect(f.message).toBe(
      "the task's worker process exited with code 3 before the task settled: the task called process.exit(3); its stderr ended with:\nline 4\nline 5\nline 6\nline 7\nline 8\nline 9\nline 10\nline 11",
    );
    const cause = timeoutFailure(1);
    expect(crashedFailure({ worker: 'worker thread', cause, code: 'E' })).toMatchObject({ cause, code: 'E' });
  });

  it('crashed after the result: crashed, or oom with oom: true', () => {
    const crash = crashedAfterResultFailure({ worker: 'child process', exitCode: 1 });
    expect(crash).toEqual({
      kind: 'crashed',
      name: 'CrashError',
      message: 'after the task settled, its child process exited with code 1',
      exitCode: 1,
    });
    const oom = crashedAfterResultFailure({ worker: 'child process', oom: true, signal: 'SIGABRT' });
    expect(oom.kind).toBe('oom');
    expect(oom.name).toBe('OutOfMemoryError');
    expect(oom.message).toBe(
      'after the task settled, its child process ran out of memory and was killed by SIGABRT',
    );
  });

  it('unsendable arguments: the cause message and where they were going', () => {
    const err = new DOMException('() => {} could not be cloned.', 'DataCloneError');
    expect(unsendableArgsFailure(err, 'a worker thread')).toEqual({
      kind: 'unserializable',
      name: 'DataCloneError',
      message: "the task's arguments cannot be sent to a worker thread: () => {} could not be cloned.",
    });
    expect(unsendableArgsFailure('plain', 'a child process').message).toBe(
      "the task's arguments cannot be sent to a child process: plain",
    );
  });

  it('describeExit and stderrTail', () => {
    expect(describeExit({ exitCode: 2, signal: null })).toBe('exited with code 2');
    expect(describeExit({ exitCode: null, signal: 'SIGKILL' })).toBe('was killed by SIGKILL');
    expect(describeExit({})).toBe('failed');
    expect(stderrTail('  \n')).toBe('');
    expect(stderrTail('x'.repeat(2000))).toHaveLength(1000);
  });
});
