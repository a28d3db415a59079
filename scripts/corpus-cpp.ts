/** Preprocess one real-world corpus case (filled in when src/cpp lands). */
export function preprocessCorpusCase(_input: string, _includeDirs: string[]): string | { error: string } | { text: string } {
  return { error: 'the preprocessor is not wired in yet' };
}
