/**
 * Shell command lines timed as a user runs them: wall time, peak memory by
 * GNU time (of the largest process it saw), and commands compared with each
 * other run in turns, so that a machine whose speed drifts weighs on all of
 * them alike. Shared by the kernel-scale benchmarks.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { performance } from 'node:perf_hooks';

export interface Run {
  ms: number;
  mib: number | null;
}

/** GNU time, which tells a command's peak memory, when installed. */
export const GNU_TIME = existsSync('/usr/bin/time') ? '/usr/bin/time' : null;

/** Run a shell command line once (exit code 0 or 1: findings are not failures): wall time, peak memory. */
export function timeShell(line: string, env: NodeJS.ProcessEnv = process.env): Run {
  const t = performance.now();
  const r = GNU_TIME
    ? spawnSync(GNU_TIME, ['-f', 'PEAK %M', 'sh', '-c', line], { stdio: ['ignore', 'ignore', 'pipe'], env, maxBuffer: 1 << 28 })
    : spawnSync('sh', ['-c', line], { stdio: ['ignore', 'ignore', 'pipe'], env, maxBuffer: 1 << 28 });
  const ms = performance.now() - t;
  if (r.status === null || r.status > 1) throw new Error(`${line.slice(0, 200)}… failed (${r.status ?? r.signal}): ${r.stderr?.toString().slice(-400)}`);
  const m = /PEAK (\d+)\s*$/.exec(r.stderr?.toString() ?? '');
  return { ms, mib: m ? Number(m[1]) / 1024 : null };
}

/**
 * Command lines compared with each other, `rounds` times in turns (round r
 * runs each once): the median wall time of each, and the largest peak memory
 * seen. No warm-up run: these are long, and each side's first run pays the
 * same cold file cache.
 */
export function timeInTurns<K extends string>(lines: Record<K, string>, rounds: number, env: NodeJS.ProcessEnv = process.env): Record<K, Run> {
  const keys = Object.keys(lines) as K[];
  const runs = new Map<K, Run[]>(keys.map((k) => [k, []]));
  for (let r = 0; r < rounds; r++) for (const k of keys) runs.get(k)!.push(timeShell(lines[k], env));
  const out = {} as Record<K, Run>;
  for (const k of keys) {
    const all = runs.get(k)!;
    const peaks = all.map((x) => x.mib).filter((m): m is number => m !== null);
    out[k] = { ms: median(all.map((x) => x.ms)), mib: peaks.length ? Math.max(...peaks) : null };
  }
  return out;
}

export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

export function quote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

export function fmt(ms: number): string {
  return ms >= 60_000 ? `${(ms / 60_000).toFixed(1)} min` : ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(0)} ms`;
}

export function mib(r: Run): string {
  return r.mib === null ? 'n/a' : `${r.mib.toFixed(0)} MiB`;
}

/** "2.31× faster" / "1.20× slower": how `ours` compares with `theirs`. */
export function ratio(ours: number, theirs: number): string {
  return ours <= theirs ? `${(theirs / ours).toFixed(2)}× faster` : `${(ours / theirs).toFixed(2)}× slower`;
}
