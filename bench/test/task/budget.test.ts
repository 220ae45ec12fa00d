import { describe, expect, it } from 'vitest';
import { batchSize, planRunner } from '../../dist/task/budget.js';

const base = { budgetMs: 60_000, runners: 6, concurrency: 2, cores: 2, argLists: 1 };

describe('planRunner', () => {
  it('gives a short task many samples and a long task few', () => {
    const short = planRunner({ ...base, runner: 'pool', taskMs: 0.05 });
    const long = planRunner({ ...base, runner: 'pool', taskMs: 400 });
    expect(short.warmSamples).toBe(200);
    expect(long.warmSamples).toBe(9); // 4 000 ms of warm time / 400.05 ms (task + pool overhead)
    expect(long.warmSamples).toBeLessThan(short.warmSamples);
  });

  it('counts what a per-task model adds to every task', () => {
    const pool = planRunner({ ...base, runner: 'pool', taskMs: 10 });
    const fork = planRunner({ ...base, runner: 'fork', taskMs: 10 });
    expect(fork.warmSamples).toBeLessThan(pool.warmSamples);
  });

  it('checks each argument list up to a cap, at least three tasks', () => {
    expect(planRunner({ ...base, runner: 'thread', taskMs: 1, argLists: 1 }).checkTasks).toBe(3);
    expect(planRunner({ ...base, runner: 'thread', taskMs: 1, argLists: 5 }).checkTasks).toBe(5);
    expect(planRunner({ ...base, runner: 'thread', taskMs: 1, argLists: 50 }).checkTasks).toBe(8);
  });

  it('keeps --tasks as given and runs no batch on the serial reference', () => {
    expect(planRunner({ ...base, runner: 'pool', taskMs: 1, tasks: 37 }).fixedTasks).toBe(37);
    expect(planRunner({ ...base, runner: 'serial', taskMs: null, tasks: 37 }).throughputBudgetMs).toBe(0);
  });

  it('rejects a budget that is not positive, naming --budget', () => {
    expect(() => planRunner({ ...base, budgetMs: 0, runner: 'pool', taskMs: 1 })).toThrow(/--budget/);
  });
});

describe('batchSize', () => {
  const budget = { throughputBudgetMs: 4_000, fixedTasks: null, minTasks: 4, maxTasks: 2_000, inParallel: 2 };
  it('turns the time slice into tasks from the measured per-task time', () => {
    expect(batchSize(budget, 50)).toBe(160);
    expect(batchSize(budget, 0.001)).toBe(2_000);
    expect(batchSize(budget, 60_000)).toBe(4);
    expect(batchSize({ ...budget, fixedTasks: 9 }, 50)).toBe(9);
  });
});
