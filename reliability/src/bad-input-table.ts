/**
 * Prints docs/bad-input.md: runs every bad-input case and renders what each entry point said. Exits
 * non-zero (after printing) when a case did not give its documented error.
 *
 * Usage: node reliability/dist/bad-input-table.js > docs/bad-input.md
 */
import { runBadInputCases } from './bad-input/run-cases.js';
import { renderTable } from './bad-input/table.js';

const { outcomes, scratch } = await runBadInputCases();
process.stdout.write(renderTable(outcomes, scratch));
const failed = outcomes.filter((o) => o.problems.length > 0);
for (const o of failed)
  process.stderr.write(`bad input: ${o.c.entry} / ${o.c.input}: ${o.problems.join('; ')}\n`);
// Exit once the table is written: the cooperative row of a bootstrap that never finishes leaves its
// interval running in this process (in-process code cannot be stopped — the documented limit of that
// driver), so the event loop would never empty.
process.stdout.write('', () => process.exit(failed.length > 0 ? 1 : 0));
