/**
 * A cache bounded by the total size of what it holds (as `sizeOf` measures
 * an entry), which forgets the entry used least recently first. The newest
 * entry is always kept, whatever its size: the caller is about to use it.
 * With an infinite budget it is a plain map.
 */
export class BoundedCache<K, V> {
  private readonly entries = new Map<K, V>();
  private held = 0;

  constructor(
    private readonly budget: number,
    private readonly sizeOf: (key: K, value: V) => number,
  ) {}

  /** The entry for `key`, now the most recently used. */
  get(key: K): V | undefined {
    const value = this.entries.get(key);
    if (value !== undefined && this.budget !== Infinity) {
      // Most recently used last: the first entry is the one to forget.
      this.entries.delete(key);
      this.entries.set(key, value);
    }
    return value;
  }

  /** Keep a new entry, forgetting the least recently used ones past the budget. */
  set(key: K, value: V): void {
    this.entries.set(key, value);
    this.held += this.sizeOf(key, value);
    for (const [oldest, kept] of this.entries) {
      if (this.held <= this.budget || this.entries.size === 1) break;
      this.entries.delete(oldest);
      this.held -= this.sizeOf(oldest, kept);
    }
  }
}
