#!/usr/bin/env node
// The `isolane-bench` command. The CLI itself is compiled into dist/; this file exists before any build,
// so package managers can link the command at install time (pnpm cannot link a bin that does not exist
// yet, as in a fresh clone of the repository).
try {
  await import('../dist/cli.js');
} catch (err) {
  if (err?.code === 'ERR_MODULE_NOT_FOUND' && String(err.message).includes('cli.js')) {
    process.stderr.write('isolane-bench is not built yet: run `pnpm build` in the repository first\n');
    process.exit(1);
  }
  throw err;
}
