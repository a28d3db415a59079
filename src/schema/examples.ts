/**
 * A binding's examples as the kernel's `make dt_binding_check` compiles them
 * (dt-schema's example extractor): an example without its own root node is
 * wrapped in a `/plugin/` file under a root with 1/1 cells and an
 * `example-N` node, and when it has `interrupts = <…>` a fake interrupt
 * controller with that many cells is added as its interrupt parent.
 *
 * We also put `#line` markers before the example's text, indented as in the
 * YAML file, so that every diagnostic about the example points at the
 * binding's own line and column.
 */
import type { LoadedBinding } from './load.js';

export interface WrappedExample {
  index: number;
  /** The example as written. */
  text: string;
  /** The DTS that is compiled. */
  dts: string;
  /** First line of the example's text in the binding file (1-based). */
  firstLine: number;
  /** Columns of YAML indentation before each of its lines in the file. */
  indent: number;
  /** Cells in the fake interrupt controller (0: none added). */
  interruptCells: number;
}

const ROOT_NODE = /^\s*\/\s*\{/m;
const INTERRUPTS = /\sinterrupts\s*=\s*<([0-9a-zA-Z |()_]+)>/;

/** Cells in the first `interrupts = <…>`: words, with a parenthesised expression counting as one. */
export function countInterruptCells(example: string): number {
  const m = INTERRUPTS.exec(example);
  if (!m) return 0;
  let depth = 0;
  let cells = 0;
  let inWord = false;
  for (const ch of m[1]!) {
    if (ch === '(') {
      if (depth === 0 && !inWord) cells++;
      depth++;
      inWord = true;
    } else if (ch === ')') {
      depth = Math.max(0, depth - 1);
    } else if (/\s/.test(ch)) {
      if (depth === 0) inWord = false;
    } else if (depth === 0 && !inWord) {
      cells++;
      inWord = true;
    }
  }
  return cells;
}

/** Leading spaces of the example's first text line in the YAML file (the block scalar's indentation). */
function indentation(sourceLines: readonly string[], firstLine: number): number {
  for (let l = firstLine; l <= sourceLines.length; l++) {
    const text = sourceLines[l - 1]!;
    if (text.trim() !== '') return text.length - text.trimStart().length;
  }
  return 0;
}

/** Wrap each example of `binding`; `sourceText` is the binding file's text (for lines and indentation). */
export function wrapExamples(binding: LoadedBinding, sourceText: string): WrappedExample[] {
  const json = binding.json as { examples?: unknown };
  if (!Array.isArray(json?.examples)) return [];
  const lines = sourceText.split(/\r?\n/);
  const quotedPath = JSON.stringify(binding.path);
  return json.examples.flatMap((example: unknown, index: number) => {
    if (typeof example !== 'string') return [];
    // A block scalar (`- |`) starts on the line after its indicator.
    const at = binding.locate(`/examples/${index}`);
    const blockScalar = /[|>][-+0-9]*\s*$/.test(lines[at.line - 1] ?? '');
    const firstLine = blockScalar ? at.line + 1 : at.line;
    const indent = blockScalar ? indentation(lines, firstLine) : Math.max(0, at.col - 1);
    const pad = ' '.repeat(indent);
    const body = `#line ${firstLine} ${quotedPath}\n` + example.split('\n').map((l) => (l === '' ? l : pad + l)).join('\n');
    if (ROOT_NODE.test(example)) {
      return [{ index, text: example, dts: `/dts-v1/;\n/plugin/;\n${body}\n`, firstLine, indent, interruptCells: 0 }];
    }
    const cells = countInterruptCells(example);
    const fakeController = cells > 0 ? `\tfake_intc${index}: fake-interrupt-controller {\n\t\tinterrupt-controller;\n\t\t#interrupt-cells = <${cells}>;\n\t};\n` : '';
    const parent = cells > 0 ? `\t\tinterrupt-parent = <&fake_intc${index}>;\n` : '';
    const dts =
      '/dts-v1/;\n/plugin/; // silence any missing phandle references\n' +
      '/ {\n\tcompatible = "foo";\n\tmodel = "foo";\n\t#address-cells = <1>;\n\t#size-cells = <1>;\n' +
      fakeController +
      `\texample-${index} {\n\t\t#address-cells = <1>;\n\t\t#size-cells = <1>;\n${parent}` +
      body +
      '\n#line 1 "<example wrapper>"\n\t};\n};\n';
    return [{ index, text: example, dts, firstLine, indent, interruptCells: cells }];
  });
}
