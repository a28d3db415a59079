#!/usr/bin/env node
// Only maps the process to run(): all logic lives in dist/src/cli.
import { main } from '../dist/src/cli/process.js';

await main();
