#!/usr/bin/env node
// Only maps the process to run(): all logic lives in dist/src/cli. The build
// bundles it into one module (scripts/bundle.ts), quicker to start; a build
// that stopped before bundling still runs, from the separate modules.
let cli;
try {
  cli = await import('../dist/src/bundle/cli.js');
} catch (err) {
  if (err?.code !== 'ERR_MODULE_NOT_FOUND' || !String(err.message).includes('bundle')) throw err;
  cli = await import('../dist/src/cli/process.js');
}
await cli.main();
