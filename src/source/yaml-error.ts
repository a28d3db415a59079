/**
 * The first line of a YAML parser's error, in words that name the cause. The
 * `yaml` package catches its own stack overflow on deeply nested input and
 * reports it with JavaScript's text ("Maximum call stack size exceeded"),
 * which tells a user nothing about their file.
 */
export function yamlErrorText(message: string): string {
  const first = message.split('\n')[0]!;
  return first.startsWith('Maximum call stack size exceeded') ? 'nested too deeply to read (collections inside collections, hundreds of levels down)' : first;
}
