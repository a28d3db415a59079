/**
 * Configuration files, in the shapes the ecosystem uses: `.vmgenid-lint.yaml`
 * (or `.yml`), `.vmgenid-lint.json`, or a `"vmgenid-lint"` key in
 * `package.json`, found by walking up from each input's folder (the nearest
 * wins), or named with `--config FILE`; `--no-config` uses none. A
 * configuration holds what a team would otherwise repeat on every command
 * line:
 *
 *   include: [include]                   # -I, relative to the file (searched; a folder outside the repository also needs -I)
 *   define: [SOC_HAS_VMGENID, GEN=2]     # -D
 *   schema: [bindings]                   # --schema
 *   rules: { vmgenid-node-name: off, no_vmgenid_node: error }
 *   all: false                           # --all
 *   maxWarnings: 0                       # --max-warnings
 *   ignore: ["build/", "*.generated.dts"]  # .gitignore syntax, relative to the file
 *
 * The command line wins: its -I folders are searched first, its -D and
 * --rule settings override the file's, its --max-warnings replaces the
 * file's.
 */
import { existsSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import type { Ignore } from 'ignore';
import { importByUrl } from '../import-by-url.js';
import type { RuleSetting } from '../checks/index.js';
import { RULE_SETTINGS } from '../checks/index.js';
import { isRuleName } from '../rules.js';
import { bytesToLatin1, nodeFileHost } from '../source/host.js';
import { readRegularFile } from '../source/include-policy.js';

export interface LintConfig {
  /** The file it was read from. */
  file: string;
  include: string[];
  define: string[];
  schema: string[];
  rules: Record<string, RuleSetting>;
  all?: boolean;
  maxWarnings?: number;
  /** Paths (relative to the file's folder) the walk and the inputs leave out. */
  ignore: Ignore | null;
}

/** A configuration that cannot be used: where and why. */
export class ConfigError extends Error {}

export const CONFIG_FILES: readonly string[] = ['.vmgenid-lint.yaml', '.vmgenid-lint.yml', '.vmgenid-lint.json', 'package.json'];
const PACKAGE_KEY = 'vmgenid-lint';
const KEYS: ReadonlySet<string> = new Set(['include', 'define', 'schema', 'rules', 'all', 'maxWarnings', 'ignore']);

/** The raw object a configuration file holds (for package.json, its "vmgenid-lint" key), or null when it holds none. */
async function readRaw(file: string, named: boolean): Promise<unknown> {
  // One found by walking up is a stranger's as much as the sources: a regular file only (never a FIFO, never /proc).
  const bytes = named ? nodeFileHost.readBytes(file) : readRegularFile(file);
  if (!(bytes instanceof Uint8Array)) throw new ConfigError(`${file}: error: cannot read: ${bytes.error}`);
  const text = bytesToLatin1(bytes);
  if (/\.ya?ml$/.test(file)) {
    const { parseConfigYaml } = await importByUrl<typeof import('./config-yaml.js')>(new URL('../cli/config-yaml.js', import.meta.url));
    const parsed = parseConfigYaml(text);
    if ('error' in parsed) throw new ConfigError(`${file}:${parsed.line}:${parsed.col}: error: ${parsed.error}`);
    return parsed.value;
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new ConfigError(`${file}: error: not JSON: ${(err as Error).message}`);
  }
  if (file.endsWith('package.json')) return value !== null && typeof value === 'object' ? ((value as Record<string, unknown>)[PACKAGE_KEY] ?? null) : null;
  return value;
}

function strings(file: string, key: string, value: unknown): string[] {
  const list = typeof value === 'string' ? [value] : value;
  if (!Array.isArray(list) || !list.every((v) => typeof v === 'string')) throw new ConfigError(`${file}: error: '${key}' must be a string or a list of strings`);
  return list as string[];
}

/** A configuration's settings, checked, with its paths made relative to the working folder as the command line's are. */
export async function loadConfig(file: string, named = false): Promise<LintConfig | null> {
  const raw = await readRaw(file, named);
  if (raw === null || raw === undefined) return null;
  if (typeof raw !== 'object' || Array.isArray(raw)) throw new ConfigError(`${file}: error: a configuration must be a mapping of settings`);
  const settings = raw as Record<string, unknown>;
  for (const key of Object.keys(settings)) {
    if (!KEYS.has(key)) throw new ConfigError(`${file}: error: unknown setting '${key}' (one of ${[...KEYS].join(', ')})`);
  }
  const dir = dirname(file);
  const path = (p: string) => (isAbsolute(p) ? p : relative(process.cwd(), join(dir, p)) || '.');
  const config: LintConfig = { file, include: [], define: [], schema: [], rules: {}, ignore: null };
  if ('include' in settings) config.include = strings(file, 'include', settings['include']).map(path);
  if ('schema' in settings) config.schema = strings(file, 'schema', settings['schema']).map(path);
  if ('define' in settings) {
    const define = settings['define'];
    if (define !== null && typeof define === 'object' && !Array.isArray(define)) {
      config.define = Object.entries(define).map(([k, v]) => (v === true ? k : `${k}=${String(v)}`));
    } else config.define = strings(file, 'define', define);
  }
  if ('rules' in settings) {
    const rules = settings['rules'];
    if (rules === null || typeof rules !== 'object' || Array.isArray(rules)) throw new ConfigError(`${file}: error: 'rules' must map finding names to severities`);
    for (const [name, setting] of Object.entries(rules)) {
      if (!isRuleName(name)) throw new ConfigError(`${file}: error: unknown check '${name}' in rules (see vmgenid-lint list-checks)`);
      if (!(RULE_SETTINGS as readonly unknown[]).includes(setting)) throw new ConfigError(`${file}: error: rules: ${name}: the setting must be one of ${RULE_SETTINGS.join(', ')}`);
      config.rules[name] = setting as RuleSetting;
    }
  }
  if ('all' in settings) {
    if (typeof settings['all'] !== 'boolean') throw new ConfigError(`${file}: error: 'all' must be true or false`);
    config.all = settings['all'];
  }
  if ('maxWarnings' in settings) {
    const n = settings['maxWarnings'];
    if (typeof n !== 'number' || !Number.isInteger(n) || n < 0) throw new ConfigError(`${file}: error: 'maxWarnings' must be a whole number, 0 or more`);
    config.maxWarnings = n;
  }
  if ('ignore' in settings) {
    // Loaded only for a configuration that has patterns: a plain run does not pay for it at start-up.
    const { default: ignore } = await import('ignore');
    config.ignore = ignore().add(strings(file, 'ignore', settings['ignore']));
  }
  return config;
}

/** The nearest configuration file above `dir` (itself included), or null; answers are kept per folder. */
export function findConfigFile(dir: string, memo: Map<string, string | null>): string | null {
  const seen: string[] = [];
  let found: string | null = null;
  for (let at = resolve(dir); ; at = dirname(at)) {
    const known = memo.get(at);
    if (known !== undefined) {
      found = known;
      break;
    }
    seen.push(at);
    found = CONFIG_FILES.map((name) => join(at, name)).find((f) => existsSync(f) && statSync(f).isFile() && holdsConfig(f)) ?? null;
    if (found !== null || dirname(at) === at) break;
  }
  for (const at of seen) memo.set(at, found);
  return found;
}

/** package.json counts only when it has the key; the other names always. */
function holdsConfig(file: string): boolean {
  if (!file.endsWith('package.json')) return true;
  const bytes = readRegularFile(file);
  if (!(bytes instanceof Uint8Array)) return false;
  try {
    const value = JSON.parse(bytesToLatin1(bytes)) as unknown;
    return value !== null && typeof value === 'object' && PACKAGE_KEY in (value as object);
  } catch {
    return false;
  }
}

/** Whether a configuration's ignore patterns leave `path` out (only paths below its folder can match). */
export function ignoredBy(config: LintConfig, path: string): boolean {
  if (!config.ignore || path === '-') return false;
  const rel = relative(dirname(resolve(config.file)), resolve(path));
  if (rel === '' || rel.startsWith('..') || isAbsolute(rel)) return false;
  return config.ignore.ignores(rel.split(sep).join('/'));
}
