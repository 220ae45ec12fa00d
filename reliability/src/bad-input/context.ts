/**
 * What a bad-input case works with: scratch directories for config files, groups it opens (closed
 * afterwards), and the fixtures' URLs. Kept apart from the case list so the list reads as a table.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type DriverName, WaitGroup, type WaitGroupOptions } from '@isolane/core';

/** Fixture module URLs (compiled next to this file). */
export const FIXTURES = {
  tasks: new URL('./fixtures/tasks.js', import.meta.url).href,
  bootThrows: new URL('./fixtures/boot-throws.js', import.meta.url).href,
  bootMissing: new URL('./fixtures/no-such-bootstrap.js', import.meta.url).href,
  missingModule: new URL('./fixtures/no-such-module.js', import.meta.url).href,
} as const;

/** Scratch space and groups for one run of the case list. */
export class CaseContext {
  readonly root: string;
  /** A directory with no config file anywhere above it that matters (a fresh temp dir). */
  readonly cleanDir: string;
  readonly #groups: WaitGroup[] = [];
  #dirs = 0;
  /** The group the current case used last, if any. */
  lastGroup: WaitGroup | undefined;

  constructor() {
    this.root = mkdtempSync(join(tmpdir(), 'isolane-bad-input-'));
    this.cleanDir = join(this.root, 'clean');
    mkdirSync(this.cleanDir);
  }

  /** Opens a group (closed by {@link CaseContext.dispose}); defaults: cooperative, no config. */
  group(options: WaitGroupOptions = {}): WaitGroup {
    const wg = new WaitGroup({ driver: 'cooperative', cwd: this.cleanDir, ...options });
    this.#groups.push(wg);
    this.lastGroup = wg;
    return wg;
  }

  /** A group on a named driver. */
  groupOn(driver: DriverName, options: WaitGroupOptions = {}): WaitGroup {
    return this.group({ ...options, driver });
  }

  /** Writes a config file into a fresh directory and returns the directory. */
  configDir(file: string, text: string): string {
    const dir = join(this.root, `config-${++this.#dirs}`);
    mkdirSync(dir);
    writeFileSync(join(dir, file), text);
    return dir;
  }

  /** Closes every group and removes the scratch space. */
  async dispose(): Promise<void> {
    for (const wg of this.#groups.splice(0)) await wg.close();
    rmSync(this.root, { recursive: true, force: true });
  }
}
