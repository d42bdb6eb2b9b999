/**
 * A map that keeps its entries up to a total weight, the least recently used going first. The
 * worker's memos share it: decoded races weighed in bytes (RacePackMemo), standings fingerprints
 * in rows (FingerprintMemo). `limit` is read at each set, so a test may lower it.
 */
export class WeightedLru<K, V> {
  private readonly entries = new Map<K, V>();
  private total = 0;

  constructor(
    private readonly weightOf: (value: V) => number,
    public limit: number,
    /** Whether an entry heavier than the limit is kept alone (true) or not kept at all (false). */
    private readonly keepOversized: boolean,
  ) {}

  /** The entry, without counting it as used. */
  peek(key: K): V | undefined {
    return this.entries.get(key);
  }

  /** Counts the entry as used now: it goes last in line to be evicted. */
  touch(key: K): void {
    const value = this.entries.get(key);
    if (value === undefined) return;
    // Most recently used last: a Map keeps insertion order.
    this.entries.delete(key);
    this.entries.set(key, value);
  }

  /** Sets the entry as the most recently used, then evicts the oldest others while over the limit. */
  set(key: K, value: V): void {
    this.delete(key);
    const weight = this.weightOf(value);
    if (weight > this.limit && !this.keepOversized) return;
    this.entries.set(key, value);
    this.total += weight;
    for (const [oldest] of this.entries) {
      if (this.total <= this.limit || oldest === key) break;
      this.delete(oldest);
    }
  }

  delete(key: K): void {
    const value = this.entries.get(key);
    if (value === undefined) return;
    this.entries.delete(key);
    this.total -= this.weightOf(value);
  }

  clear(): void {
    this.entries.clear();
    this.total = 0;
  }

  get count(): number {
    return this.entries.size;
  }

  get weight(): number {
    return this.total;
  }
}
