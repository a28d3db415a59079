/**
 * The DTS parser: tokens to a `DtsFile`, following dtc 1.6.1's grammar
 * (dtc-parser.y). Like dtc it stops at the first syntax error, but reports the
 * errors dtc's actions report (bad /bits/ size, value out of range, division
 * by zero, …) and goes on, so one run shows them all.
 */
import type { Diagnostic } from '../source/diagnostic.js';
import type { Span } from '../source/span.js';
import { joinSpans, plainSpan } from '../source/span.js';
import { Data, latin1Text } from '../tree/data.js';
import { MAX_PROPERTY_BYTES, MAX_TREE_NODES, MAX_TREE_PROPERTIES } from '../tree/node.js';
import type { ChildDef, DtsFile, MemreserveDef, NodeBody, PropertyDef, RefDef, TopStatement } from './ast.js';
import { ExpressionParser, type TokenCursor } from './expression.js';
import { openRelative, type LexOptions, type TokenStream } from './lexer.js';
import { describeToken, tokenValue, type Token } from './token.js';
import { quote } from '../source/quote.js';

/** Thrown inside the parser to unwind on the first syntax error; never escapes `parseDts`. */
class StopParsing extends Error {}

export interface ParseResult {
  file: DtsFile | null;
  diagnostics: Diagnostic[];
}

/** Deepest node nesting accepted (hostile input guard; real trees are under 20). */
export const MAX_NODE_DEPTH = 512;

const U64_MAX = (1n << 64n) - 1n;
/** The largest value of an element of each width. */
const ELEMENT_MASKS = { 8: 0xffn, 16: 0xffffn, 32: 0xffff_ffffn, 64: U64_MAX } as const;
const NO_LABELS: string[] = Object.freeze([]) as unknown as string[];

class Parser implements TokenCursor {
  private pos = 0;
  private depth = 0;
  /** Node bodies and property definitions so far (each counts, also when a later one merges into it). */
  private nodes = 0;
  private properties = 0;
  readonly diagnostics: Diagnostic[] = [];
  private readonly expr = new ExpressionParser(this);
  /** Where cell lists and byte strings are built before being taken at their size (Data.take). */
  private readonly scratch = new Data();

  constructor(
    private readonly tokens: TokenStream,
    private readonly options: LexOptions,
  ) {}

  peek(offset = 0): Token {
    return this.tokens.get(this.pos + offset);
  }

  next(): Token {
    const t = this.tokens.get(this.pos);
    // Only the last token is the end of input; the parser stays on it.
    if (t.kind !== 'end of input') {
      this.pos++;
      // One token back is all the parser ever looks.
      this.tokens.release(this.pos - 1);
    }
    return t;
  }

  syntaxError(token: Token, expected: string): never {
    this.diagnostics.push({
      severity: 'error',
      check: 'syntax',
      message: `syntax error: unexpected ${describeToken(token)}, expected ${expected}`,
      span: plainSpan(token),
    });
    throw new StopParsing();
  }

  semanticError(message: string, span: Span): void {
    this.diagnostics.push({ severity: 'error', check: 'syntax', message, span: plainSpan(span) });
  }

  private isChar(t: Token, c: string): boolean {
    return t.kind === 'char' && t.text === c;
  }

  private expectChar(c: string): Token {
    const t = this.peek();
    if (!this.isChar(t, c)) this.syntaxError(t, `'${c}'`);
    return this.next();
  }

  private expectKind(kind: Token['kind'], what: string): Token {
    const t = this.peek();
    if (t.kind !== kind) this.syntaxError(t, what);
    return this.next();
  }

  parseFile(): DtsFile {
    const plugin = this.headers();
    const memreserves = this.memreserves();
    const statements = this.devicetree();
    return { plugin, memreserves, statements };
  }

  /** headers: one or more `/dts-v1/;` each optionally followed by `/plugin/;`. */
  private headers(): boolean {
    let first: boolean | null = null;
    do {
      const v1 = this.expectKind('/dts-v1/', "'/dts-v1/;' (dtc accepts only version 1 source)");
      this.expectChar(';');
      let plugin = false;
      if (this.peek().kind === '/plugin/') {
        this.next();
        this.expectChar(';');
        plugin = true;
      }
      if (first === null) first = plugin;
      else if (plugin !== first) this.semanticError("Header flags don't match earlier ones", v1);
    } while (this.peek().kind === '/dts-v1/');
    return first;
  }

  private memreserves(): MemreserveDef[] {
    const list: MemreserveDef[] = [];
    while (this.peek().kind === 'label' || this.peek().kind === '/memreserve/') {
      const start = this.peek();
      const labels = this.labels();
      this.expectKind('/memreserve/', "'/memreserve/'");
      const address = this.expr.primary();
      const size = this.expr.primary();
      const end = this.expectChar(';');
      list.push({ labels, address: address.value, size: size.value, span: joinSpans(start, end) });
    }
    return list;
  }

  private labels(): string[] {
    // Most definitions have no label: they share one empty list (the AST is read, never added to).
    if (this.peek().kind !== 'label') return NO_LABELS;
    const labels: string[] = [];
    while (this.peek().kind === 'label') labels.push(this.next().text);
    return labels;
  }

  private ref(): RefDef {
    const t = this.peek();
    if (t.kind === 'label reference') return { kind: 'label', target: this.next().text, span: plainSpan(t) };
    if (t.kind === 'path reference') return { kind: 'path', target: this.next().text, span: plainSpan(t) };
    return this.syntaxError(t, "a reference ('&label' or '&{/path}')");
  }

  private devicetree(): TopStatement[] {
    const statements: TopStatement[] = [];
    let first = true;
    for (;;) {
      const t = this.peek();
      if (t.kind === 'end of input' && !first) return statements;
      if (this.isChar(t, '/')) {
        this.next();
        const body = this.nodeBody();
        statements.push({ kind: 'root', body, span: joinSpans(t, body.span) });
      } else if (t.kind === 'label reference' || t.kind === 'path reference') {
        const ref = this.ref();
        const body = this.nodeBody();
        statements.push({ kind: 'ref-node', label: null, ref, body, span: joinSpans(t, body.span) });
      } else if (!first && t.kind === 'label') {
        this.next();
        const ref = this.ref();
        const body = this.nodeBody();
        statements.push({ kind: 'ref-node', label: t.text, ref, body, span: joinSpans(t, body.span) });
      } else if (!first && (t.kind === '/delete-node/' || t.kind === '/omit-if-no-ref/')) {
        this.next();
        const ref = this.ref();
        const end = this.expectChar(';');
        const kind = t.kind === '/delete-node/' ? 'delete-ref' : 'omit-ref';
        statements.push({ kind, ref, span: joinSpans(t, end) });
      } else {
        this.syntaxError(t, first ? "'/ {' or a reference to a node" : "'/ {', a reference to a node, '/delete-node/' or the end");
      }
      first = false;
    }
  }

  /** nodedef: `{ properties subnodes };` */
  private nodeBody(): NodeBody {
    const open = this.expectChar('{');
    if (++this.depth > MAX_NODE_DEPTH) this.syntaxError(open, `nodes nested at most ${MAX_NODE_DEPTH} deep`);
    if (++this.nodes > MAX_TREE_NODES) this.limitError(`more than ${MAX_TREE_NODES} nodes`, open);
    const properties: PropertyDef[] = [];
    while (this.startsProperty()) properties.push(this.property());
    const children: ChildDef[] = [];
    while (!this.isChar(this.peek(), '}')) {
      children.push(this.child());
      if (this.startsProperty()) {
        const at = this.peek();
        this.semanticError('Properties must precede subnodes', at);
        throw new StopParsing();
      }
    }
    this.next();
    const end = this.expectChar(';');
    this.depth--;
    return { properties, children, span: joinSpans(open, end) };
  }

  /** Does a property definition start here (after any labels)? */
  private startsProperty(): boolean {
    let i = 0;
    while (this.peek(i).kind === 'label') i++;
    const t = this.peek(i);
    if (t.kind === '/delete-property/') return true;
    if (t.kind !== 'name') return false;
    const after = this.peek(i + 1);
    return this.isChar(after, '=') || this.isChar(after, ';');
  }

  /** A limit on hostile input: an error, and no more parsing. */
  private limitError(message: string, span: Span): never {
    this.semanticError(message, span);
    throw new StopParsing();
  }

  private property(): PropertyDef {
    const start = this.peek();
    if (++this.properties > MAX_TREE_PROPERTIES) this.limitError(`more than ${MAX_TREE_PROPERTIES} properties`, start);
    const labels = this.labels();
    const t = this.next();
    if (t.kind === '/delete-property/') {
      const name = this.expectKind('name', 'a property name');
      const end = this.expectChar(';');
      return { kind: 'delete-property', labels, name: name.text, span: joinSpans(start, end) };
    }
    if (this.isChar(this.peek(), ';')) {
      const end = this.next();
      return { kind: 'property', labels, name: t.text, value: null, span: joinSpans(start, end), nameSpan: t };
    }
    this.expectChar('=');
    const value = this.propertyValue();
    const end = this.expectChar(';');
    return { kind: 'property', labels, name: t.text, value, span: joinSpans(start, end), nameSpan: t };
  }

  private child(): ChildDef {
    const start = this.peek();
    const labels: string[] = [];
    let omitIfNoRef = false;
    for (;;) {
      const t = this.peek();
      if (t.kind === 'label') labels.push(this.next().text);
      else if (t.kind === '/omit-if-no-ref/') {
        this.next();
        omitIfNoRef = true;
      } else break;
    }
    const t = this.peek();
    if (t.kind === '/delete-node/') {
      this.next();
      const name = this.expectKind('name', 'a node name');
      const end = this.expectChar(';');
      return { kind: 'delete-node', labels, name: name.text, omitIfNoRef, span: joinSpans(start, end) };
    }
    if (t.kind !== 'name') this.syntaxError(t, "a property or node definition, or '}'");
    this.next();
    const body = this.nodeBody();
    return { kind: 'node', labels, name: t.text, omitIfNoRef, body, span: joinSpans(start, body.span), nameSpan: t };
  }

  /** propdata: pieces joined by commas, with labels anywhere between them. */
  private propertyValue(): Data {
    // Most values are one piece with no label before it: that piece is the value, not copied.
    let data: Data | null = null;
    for (;;) {
      if (this.peek().kind === 'label') {
        data ??= new Data();
        while (this.peek().kind === 'label') data.addMarker('label', this.next().text);
      }
      const at = this.peek();
      const piece = this.valuePiece();
      if (data === null) data = piece;
      else data.merge(piece);
      if (data.length > MAX_PROPERTY_BYTES) {
        this.limitError(`property value of more than ${MAX_PROPERTY_BYTES} bytes`, joinSpans(at, this.tokens.get(Math.max(0, this.pos - 1))));
      }
      while (this.peek().kind === 'label') data.addMarker('label', this.next().text);
      if (!this.isChar(this.peek(), ',')) return data;
      this.next();
    }
  }

  private valuePiece(): Data {
    const t = this.peek();
    if (t.kind === 'string') {
      this.next();
      // The lexer made the bytes at their final size, NUL included: the value takes them as they are.
      return new Data(t.bytes!, [{ offset: 0, type: 'string', ref: null }]);
    }
    if (t.kind === 'label reference' || t.kind === 'path reference') {
      this.next();
      // The path is inserted when references are resolved.
      return new Data().addMarker('string', t.text).addMarker('ref-path', t.text);
    }
    if (this.isChar(t, '<') || t.kind === '/bits/') return this.cells();
    if (this.isChar(t, '[')) return this.byteString();
    if (t.kind === '/incbin/') return this.incbin();
    return this.syntaxError(t, "a value: a string, '<…>', '[…]', a reference or /incbin/");
  }

  private cells(): Data {
    let bits: 8 | 16 | 32 | 64 = 32;
    if (this.peek().kind === '/bits/') {
      this.next();
      const size = this.expectKind('literal', 'the element size (8, 16, 32 or 64)');
      const v = tokenValue(size);
      if (v === 8n || v === 16n || v === 32n || v === 64n) bits = Number(v) as 8 | 16 | 32 | 64;
      else this.semanticError('Array elements must be 8, 16, 32 or 64-bits', size);
    }
    this.expectChar('<');
    const data = this.scratch.clear().addMarker(`uint${bits}`);
    const mask = ELEMENT_MASKS[bits];
    for (;;) {
      const t = this.peek();
      if (this.isChar(t, '>')) {
        this.next();
        return data.take();
      }
      if (t.kind === 'label') {
        data.addMarker('label', this.next().text);
      } else if (t.kind === 'label reference' || t.kind === 'path reference') {
        this.next();
        if (bits === 32) data.addMarker('ref-phandle', t.text);
        else this.semanticError('References are only allowed in arrays with 32-bit elements.', t);
        data.addElementSpan(t).appendInteger(mask, bits);
      } else {
        // A plain literal, most cells, taken here; anything else is an expression.
        let value: bigint;
        let span: Span;
        if (t.kind === 'literal') {
          this.next();
          // Most cells: a number that fits, written without BigInt.
          if (bits === 32 && t.value === undefined) {
            data.addElementSpan(t).appendCell(t.num);
            continue;
          }
          value = tokenValue(t);
          span = t;
        } else {
          ({ value, span } = this.expr.primary());
        }
        // Values above the element's range are allowed only as sign-extended negatives.
        if (bits < 64 && value > mask && (value | mask) !== U64_MAX) {
          this.semanticError(`Value out of range for ${bits}-bit array element`, span);
        }
        data.addElementSpan(span).appendInteger(value, bits);
      }
    }
  }

  private byteString(): Data {
    this.expectChar('[');
    const data = this.scratch.clear().addMarker('uint8');
    for (;;) {
      const t = this.next();
      if (t.kind === 'byte') data.addElementSpan(t).appendByte(t.num);
      else if (t.kind === 'label') data.addMarker('label', t.text);
      else if (this.isChar(t, ']')) return data.take();
      else this.syntaxError(t, "two hex digits or ']'");
    }
  }

  /** `/incbin/("file")` or `/incbin/("file", offset, length)`. */
  private incbin(): Data {
    const kw = this.next();
    this.expectChar('(');
    const name = this.expectKind('string', 'a file name');
    let offset = 0n;
    let length: bigint | null = null;
    if (this.isChar(this.peek(), ',')) {
      this.next();
      offset = this.expr.primary().value;
      this.expectChar(',');
      length = this.expr.primary().value;
    }
    const close = this.expectChar(')');
    const span = joinSpans(kw, close);
    // Refused before the file is opened: a length this large cannot be a property (all ones means "to the end", as in dtc).
    if (length !== null && length !== U64_MAX && length > BigInt(MAX_PROPERTY_BYTES)) {
      this.limitError(`/incbin/ length ${length} is more than the ${MAX_PROPERTY_BYTES} bytes a property may hold`, span);
    }
    const fileName = latin1Text(name.bytes!, name.bytes!.length - 1);
    const opened = openRelative(fileName, kw.dir ?? null, this.options);
    if ('error' in opened) {
      this.semanticError(opened.error, span);
      throw new StopParsing();
    }
    if (offset >= 1n << 63n) {
      this.semanticError(`Couldn't seek to offset ${offset} in ${quote(fileName, '"')}: Invalid argument`, span);
      throw new StopParsing();
    }
    const bytes = opened.bytes;
    const start = Math.min(Number(offset), bytes.length);
    const end = length === null ? bytes.length : Math.min(bytes.length, start + Number(length > BigInt(bytes.length) ? BigInt(bytes.length) : length));
    return new Data().addMarker('none').appendBytes(bytes.subarray(start, end));
  }
}

/** Parse a token stream into a `DtsFile`; `file` is null after a syntax error. */
export function parseDts(tokens: TokenStream, options: LexOptions): ParseResult {
  const parser = new Parser(tokens, options);
  try {
    const file = parser.parseFile();
    return { file, diagnostics: parser.diagnostics };
  } catch (err) {
    if (err instanceof StopParsing) return { file: null, diagnostics: parser.diagnostics };
    throw err;
  }
}
