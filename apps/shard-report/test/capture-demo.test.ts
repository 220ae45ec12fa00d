import { type DriverName, isCaptureError, shutdown, WaitGroup } from '@isolane/core';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { captureDemo, summaryFromHandle } from '../dist/index.js';
import { tempDatabase } from './fixtures/temp-db.js';

let db: ReturnType<typeof tempDatabase>;
beforeAll(() => {
  db = tempDatabase(1, 100);
});
afterAll(async () => {
  await shutdown();
  db.remove();
});

describe.each(['cooperative', 'thread', 'fork', 'pool'] as DriverName[])(
  'passing the handle under %s',
  (driver) => {
    it('is a CaptureError at go(), naming the argument and the fix', async () => {
      const handle = new Database(db.path, { readonly: true });
      try {
        await using wg = new WaitGroup({ driver });
        let caught: unknown;
        try {
          wg.go(summaryFromHandle, handle, 0);
        } catch (err) {
          caught = err;
        }
        expect(isCaptureError(caught)).toBe(true);
        if (isCaptureError(caught)) {
          expect(caught.problems.map((p) => p.what)).toEqual(['args[0]']);
          expect(caught.message).toContain('class instance of Database');
          expect(caught.message).toContain('pass the recipe');
        }
        expect(wg.size).toBe(0); // nothing was started
      } finally {
        handle.close();
      }
    });
  },
);

describe('captureDemo', () => {
  it('reports both mistakes with the messages the README shows', async () => {
    const attempts = await captureDemo(db.path);
    expect(attempts.map((a) => a.attempt)).toEqual([
      'wg.go(summaryFromHandle, db, 0)',
      'wg.go(() => summarizeShard(db, 0))',
    ]);
    expect(attempts[0]!.message).toMatch(/^an argument cannot cross an isolation boundary faithfully/);
    expect(attempts[1]!.message).toMatch(
      /inline task uses 2 things from outside itself \(`summarizeShard`, `db`\)/,
    );
    expect(attempts[1]!.message).toContain('pass the recipe (a path/config), not the handle');
  });
});
