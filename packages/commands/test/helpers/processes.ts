// Test helpers: fixture paths, unique markers, and a process-table scan for leftovers.
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { CommandFailure, CommandResult, CommandValue } from '../../src/index.js';

export const fixture = (name: string): string =>
  fileURLToPath(new URL(`../fixtures/${name}`, import.meta.url));
export const node = process.execPath;

let counter = 0;
/** A string no other process on the machine carries in its argv. */
export function uniqueMarker(): string {
  return `isolane-commands-test-${process.pid}-${Date.now()}-${++counter}`;
}

/** A `sleep` duration nobody else uses: `sleep` takes no extra argument, so its argv is the marker. */
export function uniqueSleep(): string {
  return String(900_000 + ((process.pid * 97 + ++counter * 7919 + Date.now()) % 90_000));
}

/** Pids of live (non-zombie) processes whose argv contains `marker` (Linux /proc). */
export function processesWith(marker: string): number[] {
  const found: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      const argv = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0');
      if (!argv.includes(marker)) continue;
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      if (stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z') found.push(Number(entry));
    } catch {
      // exited while we looked
    }
  }
  return found;
}

/** Polls until `check` holds or `ms` pass; resolves with the last answer. */
export async function until(check: () => boolean, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  for (;;) {
    if (check()) return true;
    if (Date.now() > deadline) return false;
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** Kills whatever still carries the marker (cleanup after a failed assertion). */
export function killAll(marker: string): void {
  for (const pid of processesWith(marker)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // gone
    }
  }
}

export function successOf(result: CommandResult | undefined): CommandValue {
  if (!result?.ok) throw new Error(`expected success, got ${JSON.stringify(result)}`);
  return result.value;
}

export function failureOf(result: CommandResult | undefined): CommandFailure {
  if (!result || result.ok) throw new Error(`expected a failure, got ${JSON.stringify(result)}`);
  return result.error;
}
