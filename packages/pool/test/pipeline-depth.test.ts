/** Pipeline depth: about 2 ms of work per worker by the running average, from 1 to 256 jobs. */
import { describe, expect, it } from 'vitest';
import { PipelineDepth } from '../src/pipeline-depth.js';

describe('PipelineDepth', () => {
  it('is one job until a task has run, then follows the running average', () => {
    const p = new PipelineDepth();
    expect(p.depth()).toBe(1);
    p.record(0.5);
    expect(p.depth()).toBe(4);
    for (let i = 0; i < 200; i++) p.record(0.001);
    expect(p.depth()).toBe(256); // capped
    for (let i = 0; i < 200; i++) p.record(50);
    expect(p.depth()).toBe(1); // long tasks are never piled up
  });
});
