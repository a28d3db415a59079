/**
 * The linter's front door: one input's bytes and the options in, diagnostics
 * out. Compiles (or reads) the tree, turns nodes into dt-schema's JSON, and
 * validates them against the compiled bindings. By default only vmgenid nodes
 * are judged in full, and the nodes they depend on for what they lend them
 * (cells, ranges, the interrupt controller, memory and reserved memory), so a
 * board's unrelated nodes never fail a CI job; `all` judges every node as
 * dt-validate does.
 */
import { loadTree, type LoadOptions } from './load-tree.js';
import type { SourceFiles } from './source/compiled-sources.js';
import type { Diagnostic } from './source/diagnostic.js';
import type { Span } from './source/span.js';
import type { InputKind } from './source/detect.js';
import type { SchemaSet } from './schema/schema-set.js';
import { describeErrors, type SchemaMessage } from './schema/messages.js';
import { copyNodeJson, nodeJson, type JsonNode } from './schema/json-view.js';
import { nearestInterruptParent } from './tree/interrupts.js';
import { liveNodeList, liveNodes, phandleIndex } from './tree/lookup.js';
import { compatiblesOf, stringValue } from './tree/values.js';
import { isVmgenid, nearMiss, vmgenidNodes, VMGENID_COMPATIBLES } from './vmgenid.js';
import { CHECKS, runChecks, type RuleSetting } from './checks/index.js';
import { finishTree } from './compiler.js';
import { readDeviceTreeFolder } from './dtb/fs-read.js';
import { InputError } from './source/diagnostic.js';
import type { DeviceTree, Node } from './tree/node.js';
import { oneFindingPerFault } from './same-fault.js';
import { applyRules, isDtcRefusal } from './rules.js';
import { applySuppressions, findDirectives, mayHoldDirectives, type Directive } from './suppressions.js';
import { bytesToLatin1 } from './source/host.js';
import { applyOverlay } from './tree/apply-overlay.js';
import { inOverlayFragment, isOverlay, overlayWrapping } from './tree/overlay.js';
import { keepFindings, type SeverityCounts } from './report/cap.js';

export interface LintOptions extends LoadOptions {
  schemas: SchemaSet;
  /** Run the vmgenid checks (default true; check-binding's wrapped examples have no real bus to judge). */
  checks?: boolean;
  /** Severity per check name, or 'off' (`--rule NAME=SEVERITY`). */
  rules?: Record<string, RuleSetting>;
  /** Judge every node against the core schemas and its binding, as dt-validate. */
  all?: boolean;
  /**
   * The suppressions found in each source file so far (by path), kept for a
   * run: boards that include the same files do not read them again.
   */
  directiveCache?: Map<string, Directive[]>;
}

export interface LintReport {
  file: string;
  kind: InputKind;
  /**
   * The input could not be read or compiled, or dtc's checks find errors in
   * it (dtc refuses it without -f): `diagnostics` say why, and hold every
   * finding on the tree when one was built.
   */
  fatal: boolean;
  diagnostics: Diagnostic[];
  /** The tree, when it compiled (for later checks and dumps). */
  tree: DeviceTree | null;
  /** The source files the compile read, by name: the only text a report may quote. */
  sources: SourceFiles;
  /** Findings past MAX_FINDINGS_PER_FILE, counted by severity but not kept (`diagnostics` holds the rest). */
  dropped?: SeverityCounts;
}

/**
 * The report with no more findings kept than a report can print for a file:
 * the rest are counted by severity, so verdicts see them and memory does not
 * hold them (a run over many generated inputs keeps a bounded number per file).
 */
function bounded(report: LintReport): LintReport {
  const { kept, dropped } = keepFindings(report.diagnostics);
  return dropped ? { ...report, diagnostics: kept, dropped } : report;
}

export { compatiblesOf, isVmgenid, VMGENID_COMPATIBLES };

/** What a dependency node is judged on: all of it, or only the properties it lends. */
type Scope = 'whole' | ReadonlySet<string>;

const CELL_PROPERTIES: ReadonlySet<string> = new Set(['#address-cells', '#size-cells', 'ranges', 'dma-ranges']);
const CONTROLLER_PROPERTIES: ReadonlySet<string> = new Set(['#interrupt-cells', 'interrupt-controller', 'interrupt-map', 'interrupt-map-mask', '#address-cells']);

/** The nodes to judge and how much of each, for the default (vmgenid) scope. */
function vmgenidScope(tree: DeviceTree, phandles: Map<number, Node>, overlay: boolean): Map<Node, Scope> {
  const scope = new Map<Node, Scope>();
  const lend = (node: Node, props: ReadonlySet<string>) => {
    const existing = scope.get(node);
    if (existing === 'whole') return;
    scope.set(node, existing ? new Set([...existing, ...props]) : props);
  };
  for (const node of vmgenidNodes(tree.root).meant) {
    scope.set(node, 'whole');
    // In an overlay the ancestors above __overlay__ are the fragment and its wrapper, not the board's buses.
    for (let a = node.parent; a && !(overlay && a.name === '__overlay__'); a = a.parent) lend(a, CELL_PROPERTIES);
    if (overlay && inOverlayFragment(node)) continue;
    const parent = nearestInterruptParent(node, phandles);
    if (parent) lend(parent, CONTROLLER_PROPERTIES);
  }
  if (scope.size === 0 || overlay) return scope;
  for (const child of tree.root.liveChildren) {
    if (child.baseName === 'memory' || stringValue(child, 'device_type') === 'memory') scope.set(child, 'whole');
    if (child.name === 'reserved-memory') {
      scope.set(child, 'whole');
      for (const region of child.liveChildren) scope.set(region, 'whole');
    }
  }
  return scope;
}

/** Properties whose shape in dt-schema's JSON comes from the cells of the board an overlay is applied to. */
const BASE_SHAPED: ReadonlySet<string> = new Set(['reg', 'ranges', 'dma-ranges', 'interrupts', 'interrupts-extended', 'interrupt-map']);

/** The source span a schema message is about: the property's, else the node's first. */
function spanFor(node: Node, property: string | undefined): Span | undefined {
  if (property) {
    const [first, ...rest] = property.split('/');
    if (rest.length > 0) {
      const child = node.child(first!);
      if (child) return spanFor(child, rest.join('/'));
    } else {
      const prop = node.property(first!);
      if (prop?.span) return prop.span;
      const child = node.child(first!);
      if (child?.spans[0]) return child.spans[0];
    }
  }
  return node.spans[0];
}

/**
 * The span of the entry or cell an instance path like `/reg/1` or `/reg/0/2`
 * names, from the elements' source positions and the rows the JSON view made;
 * undefined when it cannot be told (strings, blob values, child nodes).
 */
function elementSpanFor(node: Node, json: JsonNode, m: SchemaMessage): Span | undefined {
  const parts = m.instancePath.split('/').slice(1);
  if (parts.length < 2 || !/^\d+$/.test(parts[1]!)) return undefined;
  const prop = node.property(parts[0]!.replace(/~1/g, '/').replace(/~0/g, '~'));
  const rows = prop && json[prop.name];
  if (!prop || !Array.isArray(rows) || !rows.every((r) => Array.isArray(r))) return undefined;
  const matrix = rows as unknown as number[][];
  const total = matrix.reduce((n, r) => n + r.length, 0);
  if (total === 0 || prop.value.length % total !== 0) return undefined;
  const width = prop.value.length / total;
  const row = Number(parts[1]);
  if (row >= matrix.length) return undefined;
  let first = matrix.slice(0, row).reduce((n, r) => n + r.length, 0);
  let count = matrix[row]!.length;
  if (parts.length >= 3 && /^\d+$/.test(parts[2]!)) {
    first += Number(parts[2]);
    count = 1;
  }
  return prop.value.spanOfBytes(first * width, (first + count) * width) ?? undefined;
}

/** Whether the interrupt parent of `node` says how many cells a specifier has. */
function hasInterruptCells(node: Node, phandles: Map<number, Node>): boolean {
  return nearestInterruptParent(node, phandles)?.property('#interrupt-cells') !== undefined;
}

/**
 * dt-schema splits `interrupts` by the interrupt parent's `#interrupt-cells`;
 * without one every cell counts as an entry, and its verdict reads oddly
 * ("found 3" for one three-cell specifier). Say why.
 */
function explain(node: Node, m: SchemaMessage, phandles: Map<number, Node>): string {
  if (m.property === 'interrupts' && m.check === 'schema_items' && !hasInterruptCells(node, phandles)) {
    return `${m.message} (no interrupt parent with #interrupt-cells is found, so each cell counts as one entry, as dt-schema reads it)`;
  }
  return m.message;
}

function toDiagnostic(node: Node, m: SchemaMessage, json: JsonNode, phandles: Map<number, Node>): Diagnostic {
  const d: Diagnostic = { severity: 'error', check: m.check, message: explain(node, m, phandles), nodePath: node.path };
  if (m.property) d.property = m.property;
  if (m.schemaId) d.bindingId = m.schemaId;
  d.detail = `instance ${m.instancePath || '/'}, schema ${m.schemaPath}`;
  const span = elementSpanFor(node, json, m) ?? spanFor(node, m.property);
  if (span) d.span = span;
  return d;
}

function isDisabled(json: JsonNode): boolean {
  const status = json['status'];
  return Array.isArray(status) && status[0] === 'disabled';
}

/**
 * Judge one node: as a whole, by every schema whose select matches it (the
 * core ones and every binding that selects it, as dt-validate applies them);
 * in part (a node a vmgenid node leans on), by the core schemas only.
 */
function judgeNode(node: Node, json: JsonNode, schemas: SchemaSet, scope: Scope, phandles: Map<number, Node>): Diagnostic[] {
  const errors = scope === 'whole' ? schemas.validateApplicable(json) : schemas.coreValidate(json);
  if (errors.length === 0) return [];
  let messages = describeErrors(errors);
  // dt-schema does not ask a disabled node for its required properties.
  if (isDisabled(json)) messages = messages.filter((m) => m.check !== 'schema_required');
  if (scope !== 'whole') messages = messages.filter((m) => m.property !== undefined && scope.has(m.property.split('/')[0]!));
  // What a node's schema says about its child nodes (a graph port's endpoints, an
  // i2c controller's devices) is kept, as dt-validate keeps it: the child's own
  // schemas do not repeat it. The span points into the child (spanFor).
  return messages.map((m) => toDiagnostic(node, m, json, phandles));
}

/** Lint one input given as bytes (DTS or DTB, told apart by content). */
export function lintBytes(file: string, bytes: Uint8Array, options: LintOptions): LintReport {
  const loaded = loadTree(file, bytes, options);
  if (!loaded.tree) return bounded({ file, kind: loaded.kind, fatal: true, diagnostics: loaded.diagnostics, tree: null, sources: loaded.sources });
  return lintTree(file, loaded.kind, loaded.tree, loaded.diagnostics, options, loaded.sources);
}

/** The board an overlay is applied onto (`--base`): its name and bytes, DTS or DTB. */
export interface BaseInput {
  file: string;
  bytes: Uint8Array;
}

/**
 * Lint an overlay applied onto its board, as fdtoverlay applies it: the
 * result is judged as a board, findings on what the overlay brought point
 * into the overlay's source and the rest into the base's. An input that is
 * no overlay is linted as it is. The base is compiled with its labels
 * (`-@`), so that the overlay's `&label` references resolve.
 */
export function lintOnBase(file: string, bytes: Uint8Array, base: BaseInput, options: LintOptions): LintReport {
  // Overlays are built with -@ (their labels join the board's), as the kernel builds them for fdtoverlay.
  const loaded = loadTree(file, bytes, { ...options, symbols: true });
  if (!loaded.tree) return bounded({ file, kind: loaded.kind, fatal: true, diagnostics: loaded.diagnostics, tree: null, sources: loaded.sources });
  // A board given with --base is linted as it is, compiled as without it (no labels made into phandles).
  if (!isOverlay(loaded.tree)) return lintBytes(file, bytes, options);
  const board = loadTree(base.file, base.bytes, { ...options, symbols: true });
  const sources: SourceFiles = new Map([...board.sources, ...loaded.sources]);
  if (!board.tree) return bounded({ file, kind: loaded.kind, fatal: true, diagnostics: board.diagnostics, tree: null, sources });
  const problems = applyOverlay(board.tree, loaded.tree);
  const compiled = [...board.diagnostics, ...loaded.diagnostics];
  if (problems.length > 0) {
    // fdtoverlay stops at the first; all are said here, and nothing is judged on a half-applied tree.
    const failed = problems.map((message): Diagnostic => ({ severity: 'error', check: 'overlay_apply', message: `cannot apply onto ${base.file}: ${message}`, file }));
    return bounded({ file, kind: loaded.kind, fatal: true, diagnostics: [...compiled, ...failed], tree: null, sources });
  }
  return lintTree(file, loaded.kind, board.tree, compiled, options, sources);
}

/** Lint the devicetree a running system was given: a `/proc/device-tree`-style folder. */
export function lintFolder(dir: string, options: LintOptions): LintReport {
  try {
    const finished = finishTree(readDeviceTreeFolder(dir), options);
    if (!finished.tree) return bounded({ file: dir, kind: 'dtb', fatal: true, diagnostics: finished.diagnostics, tree: null, sources: new Map() });
    return lintTree(dir, 'dtb', finished.tree, finished.diagnostics, options, new Map());
  } catch (err) {
    if (!(err instanceof InputError)) throw err;
    return bounded({ file: dir, kind: 'dtb', fatal: true, diagnostics: err.diagnostics, tree: null, sources: new Map() });
  }
}

/**
 * Schema validation and the vmgenid checks on a compiled tree, then each
 * finding's rule, one finding per fault, and the source's suppressions. An
 * input whose tree dtc's checks still find errors in (a reference to a label
 * that does not exist, say) is one dtc refuses to compile: the report is
 * fatal (exit 2, "cannot be compiled"), though every finding on the tree
 * built anyway is shown.
 */
function lintTree(
  file: string,
  kind: InputKind,
  tree: DeviceTree,
  compileDiagnostics: readonly Diagnostic[],
  options: LintOptions,
  sources: SourceFiles,
): LintReport {
  const diagnostics: Diagnostic[] = compileDiagnostics.map((d) => ({ ...d }));
  const phandles = phandleIndex(tree.root);
  const types = options.schemas;
  // Every node whole (--all), or the vmgenid nodes and what they lean on.
  const overlay = isOverlay(tree);
  const scope: Map<Node, Scope> | null = options.all ? null : vmgenidScope(tree, phandles, overlay);
  if (scope !== null && scope.size === 0) {
    diagnostics.push({ severity: 'note', check: 'no_vmgenid_node', message: `no node with compatible ${[...VMGENID_COMPATIBLES].map((c) => `"${c}"`).join(', ')} found`, file });
  }
  const cache = new Map<Node, JsonNode>();
  const parentCache = new Map<Node, JsonNode>();
  const view = { types, cache, parentCache };
  const judge = (node: Node, what: Scope) => {
    const fragment = overlay && scope !== null && inOverlayFragment(node);
    const own = nodeJson(node, view, phandles);
    // Named now, as dt-validate names a node when its walk reaches it (see JsonViewOptions.childNames).
    if (!('$nodename' in own)) own['$nodename'] = [node.parent ? node.name : '/'];
    let json = asMeant(node, own);
    if (fragment) json = copyNodeJson(json, true);
    let found = judgeNode(node, json, options.schemas, what, phandles);
    // The cells reg and interrupts are split by come from the board the overlay is applied to.
    if (fragment) found = found.filter((d) => d.check === 'schema_required' || !BASE_SHAPED.has(d.property?.split('/')[0] ?? ''));
    if (found.length > 0) diagnostics.push(...found);
  };
  if (scope === null) {
    const nodes = liveNodeList(tree.root);
    for (let i = 0; i < nodes.length; i++) if (!overlay || !overlayWrapping(nodes[i]!)) judge(nodes[i]!, 'whole');
  } else {
    for (const [node, what] of scope) judge(node, what);
  }
  if (options.checks !== false) diagnostics.push(...runChecks(tree, options.rules ? { severities: options.rules } : {}));
  // A blob has no positions: say which file a finding is in.
  for (const d of diagnostics) if (!d.span && !d.file) d.file = file;
  const rules = options.rules ?? {};
  // The vmgenid checks were graded as they ran; the rest of the names here.
  const graded = applyRules(diagnostics, rules, CHECK_NAMES);
  // Refused as dtc refuses, with its checks graded by the rules (a rule below error is dtc -f), before any fold.
  const refused = graded.some(isDtcRefusal);
  let found = oneFindingPerFault(graded);
  if (kind === 'dts') {
    const { kept, reports } = applySuppressions(found, directivesOf(tree, file, sources, options.directiveCache));
    found = [...kept, ...applyRules(reports, rules)];
  }
  return bounded({ file, kind, fatal: refused, diagnostics: sortByPosition(found), tree, sources });
}

const CHECK_NAMES: ReadonlySet<string> = new Set(CHECKS.map((c) => c.name));

/**
 * The suppressions in the input and the files its nodes came from, as the
 * compile read them: a file a position names but the compile did not read
 * (a line marker can name any) has none. Directives of included files are
 * found once a run; the input's own each time (standard input has one name).
 */
function directivesOf(tree: DeviceTree, input: string, sources: SourceFiles, cache: Map<string, Directive[]> | undefined): Directive[] {
  const files = new Set<string>();
  for (const node of liveNodes(tree.root)) {
    for (const span of node.spans) files.add(span.file);
    for (const prop of node.properties) if (prop.span) files.add(prop.span.file);
  }
  const out: Directive[] = [];
  for (const path of files) {
    const bytes = sources.get(path);
    if (!bytes) continue;
    if (path === input) {
      out.push(...directivesIn(path, bytes));
      continue;
    }
    let found = cache?.get(path);
    if (!found) {
      found = directivesIn(path, bytes);
      cache?.set(path, found);
    }
    // Each board judges its own findings against them: fresh directives, not another board's `used`.
    out.push(...found.map((d) => ({ ...d, used: false })));
  }
  return out;
}

function directivesIn(path: string, bytes: Uint8Array): Directive[] {
  return mayHoldDirectives(bytes) ? findDirectives(path, bytesToLatin1(bytes)) : [];
}

/**
 * The JSON of a node whose compatible is a typo of a vmgenid one, with the
 * compatible it was meant to have: the binding judges the rest of the node,
 * and the typo is reported once, by its check.
 */
function asMeant(node: Node, json: JsonNode): JsonNode {
  const miss = json['compatible'] && nearMiss(node);
  if (!miss) return json;
  const copy = copyNodeJson(json);
  copy['compatible'] = compatiblesOf(node).map((c, i) => (i === miss.index ? miss.meant : c));
  return copy;
}

/** Source order (stable), so a report reads down the file; position-less findings keep their place at the end. */
function sortByPosition(diagnostics: Diagnostic[]): Diagnostic[] {
  const key = (d: Diagnostic) => (d.span ? [d.span.file, d.span.line, d.span.col] : null);
  return diagnostics
    .map((d, i) => ({ d, i }))
    .sort((a, b) => {
      const ka = key(a.d);
      const kb = key(b.d);
      if (!ka || !kb) return ka ? -1 : kb ? 1 : a.i - b.i;
      if (ka[0] !== kb[0]) return a.i - b.i;
      return (ka[1] as number) - (kb[1] as number) || (ka[2] as number) - (kb[2] as number) || a.i - b.i;
    })
    .map((x) => x.d);
}
