/**
 * A YAML configuration file, parsed apart from the rest (loaded only when
 * one exists: a plain lint loads no YAML parser).
 */
import { LineCounter, parseDocument } from 'yaml';
import { yamlErrorText } from '../source/yaml-error.js';

export function parseConfigYaml(text: string): { value: unknown } | { error: string; line: number; col: number } {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, uniqueKeys: true });
  const first = doc.errors[0];
  if (first) {
    const pos = lineCounter.linePos(first.pos[0]);
    return { error: yamlErrorText(first.message), line: pos.line, col: pos.col };
  }
  return { value: doc.toJS() as unknown };
}
