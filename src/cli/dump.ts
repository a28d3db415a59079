/**
 * `vmgenid-lint dump FILE`: the JSON dt-schema would validate, for the whole
 * tree or one node (`--node PATH`), so a user can see why a schema judged a
 * value as it did.
 */
import { loadTree } from '../load-tree.js';
import { nodeSchemaHost } from '../schema/host.js';
import { loadSchemaSet } from '../schema/load-set.js';
import { nodeJson } from '../schema/json-view.js';
import { regularFileHost } from '../source/include-policy.js';
import { nodeByPath } from '../tree/lookup.js';
import { loadOptions, readInput, type SourceOptions } from './source-options.js';
import { ExitCode } from './exit-codes.js';
import { writeDiagnostics } from './format-diagnostic.js';
import type { CliIo } from './io.js';

export interface DumpOptions extends SourceOptions {
  node?: string;
  schema: string[];
}

export async function dumpCommand(input: string, opts: DumpOptions, io: CliIo): Promise<number> {
  const name = input === '-' ? '<stdin>' : input;
  const bytes = readInput(input, io);
  if (!(bytes instanceof Uint8Array)) {
    io.stderr(`${name}: error: cannot read: ${bytes.error}\n`);
    return ExitCode.BadInput;
  }
  const loaded = loadTree(name, bytes, loadOptions(opts, [input]));
  if (!loaded.tree) {
    writeDiagnostics(io, loaded.diagnostics);
    return ExitCode.BadInput;
  }
  const node = opts.node ? nodeByPath(loaded.tree.root, opts.node) : loaded.tree.root;
  if (!node) {
    io.stderr(`${name}: error: no node ${opts.node}\n`);
    return ExitCode.Usage;
  }
  // Values are decoded from their bytes with the types the schemas declare, as dt-schema decodes a blob
  // (from DTS too: what the source wrote, `/bits/ 64` say, does not count).
  const types = await loadSchemaSet(opts.schema, nodeSchemaHost(regularFileHost));
  io.stdout(JSON.stringify(nodeJson(node, { types, childNames: true }), null, 2) + '\n');
  return ExitCode.Ok;
}
