/**
 * A child process of the CLI built from a given folder (`--cli`): node
 * child.js PROCESS_JS ARGS… runs PROCESS_JS's main() (dist/src/cli/process.js:
 * real streams, the real exit code) with ARGS as its command line. Without
 * --cli the fuzzer starts bin/vmgenid-lint.js itself.
 */
import { pathToFileURL } from 'node:url';

const [entry, ...args] = process.argv.slice(2);
process.argv = [process.argv[0]!, entry!, ...args];
const { main } = (await import(pathToFileURL(entry!).href)) as { main(): Promise<void> };
await main();
