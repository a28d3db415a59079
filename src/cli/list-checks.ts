/** `vmgenid-lint list-checks`: the table of checks, for looking a finding up or turning it off. */
import { CHECKS } from '../checks/index.js';
import { ExitCode } from './exit-codes.js';
import type { CliIo } from './io.js';

export function listChecksCommand(opts: { docs: boolean }, io: CliIo): number {
  const width = Math.max(...CHECKS.map((c) => c.name.length));
  const lines: string[] = [];
  for (const c of CHECKS) {
    lines.push(`${c.name.padEnd(width)}  ${c.severity.padEnd(7)}  ${c.description}`);
    if (opts.docs) lines.push(...c.docs.split('\n').map((l) => `    ${l}`), '');
  }
  lines.push(
    '',
    'Schema findings are named schema_* (from the bindings), binding_* (check-binding), and the compiler\'s errors by dtc\'s check names.',
    '--rule, a configuration\'s rules and inline suppressions reach all of them, and no_vmgenid_node, unused_suppression and unknown_suppression.',
  );
  io.stdout(lines.join('\n') + '\n');
  return ExitCode.Ok;
}
