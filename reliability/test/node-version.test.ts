/**
 * The Node the suite runs on: printed (CI's Node 24 leg greps this line to prove the suite really ran
 * under Node 24) and held to the floor the root package.json declares in `engines.node`.
 */
import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';

it('runs on a Node the project supports (engines.node), and says which', () => {
  const root = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
    engines?: { node?: string };
  };
  const floor = /^>=\s*(\d+)\.(\d+)/.exec(root.engines?.node ?? '');
  expect(floor, 'the root package.json declares engines.node as ">=MAJOR.MINOR"').not.toBeNull();
  const [major, minor] = process.versions.node.split('.').map(Number) as [number, number];
  const [wantMajor, wantMinor] = [Number(floor![1]), Number(floor![2])];
  console.log(`suite: node ${process.version} (engines.node ${root.engines?.node})`);
  expect(major > wantMajor || (major === wantMajor && minor >= wantMinor)).toBe(true);
});
