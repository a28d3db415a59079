import type { Span } from '../source/span.js';
import { quote } from '../source/quote.js';

/** The token kinds of dtc 1.6.1's lexer, plus single-character punctuation. */
export const TokenKind = {
  V1: '/dts-v1/',
  Plugin: '/plugin/',
  Memreserve: '/memreserve/',
  Bits: '/bits/',
  DeleteProperty: '/delete-property/',
  DeleteNode: '/delete-node/',
  OmitIfNoRef: '/omit-if-no-ref/',
  Incbin: '/incbin/',
  /** `name:` — `text` is the name. */
  Label: 'label',
  /** Integer literal — `value`. */
  Literal: 'literal',
  /** Character literal — `value`. */
  CharLiteral: 'char literal',
  /** `&name` — `text` is the name. */
  LabelRef: 'label reference',
  /** `&{/path}` — `text` is the path. */
  PathRef: 'path reference',
  /** Two hex digits inside `[ … ]` — `value`. */
  Byte: 'byte',
  /** A property or node name — `text`. */
  Name: 'name',
  /** A string literal — `bytes` are its unescaped contents and the NUL that ends it. */
  String: 'string',
  LShift: '<<',
  RShift: '>>',
  Le: '<=',
  Ge: '>=',
  Eq: '==',
  Ne: '!=',
  And: '&&',
  Or: '||',
  /** Any other single character — `text` is the character. */
  Char: 'char',
  End: 'end of input',
} as const;
export type TokenKind = (typeof TokenKind)[keyof typeof TokenKind];

/** A token, and where it is: a token is its own span (one object per token, not two). */
export interface Token extends Span {
  kind: TokenKind;
  text: string;
  /**
   * A literal's, character literal's or byte's value when it fits in 32 bits
   * (most do: read without BigInt), as a signed 32-bit integer (`num >>> 0` is
   * the value), so that the field only ever holds small integers and V8 keeps
   * it unboxed; `value` is then undefined. Larger values are in `value`.
   * Other tokens: 0. See tokenValue.
   */
  num: number;
  value: bigint | undefined;
  bytes?: Uint8Array;
  /** For `/incbin/`: the folder of the file it was read from, where its file name is looked up first. */
  dir?: string | null;
}

/** The value of a literal, character literal or byte token. */
export function tokenValue(t: Token): bigint {
  return t.value ?? BigInt(t.num >>> 0);
}

/** How a token reads in an error message. */
export function describeToken(t: Token): string {
  switch (t.kind) {
    case 'char':
      return quote(t.text);
    case 'end of input':
      return 'end of input';
    case 'label':
      return `label ${quote(t.text + ':')}`;
    case 'label reference':
      return quote('&' + t.text);
    case 'path reference':
      return quote(`&{${t.text}}`);
    case 'name':
      return `name ${quote(t.text)}`;
    case 'string':
      return 'string';
    case 'literal':
    case 'char literal':
    case 'byte':
      return `${t.kind} ${quote(t.text)}`;
    default:
      return `'${t.kind}'`;
  }
}
