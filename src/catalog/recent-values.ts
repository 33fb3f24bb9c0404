/**
 * Recent values made from the catalog, kept while Catalog.version holds: the API's search
 * replies (operations.ts) and the MCP `search_foods` results (mcp/serving.ts).
 *
 * At most `capacity` entries, the oldest made dropped first; each is stamped with the
 * catalog version it was made from and never handed out once the catalog changed (a value
 * made while the catalog changed is not kept at all: `keep` takes the version read before
 * the work began). With `admitOnSecondSight`, a key is kept only when it is offered again
 * (a small filter of the keys seen remembers the first time), so a stream of distinct
 * questions, each asked once, does not push out the ones asked again and again, and its
 * values die young instead of aging in the cache until they are evicted.
 */
export class RecentValues<V> {
  private readonly values = new Map<string, { version: number; value: V }>();
  private readonly seen: SeenKeys | undefined;

  constructor(
    private readonly source: { readonly version: number },
    private readonly capacity: number,
    options: { admitOnSecondSight?: boolean } = {},
  ) {
    this.seen = options.admitOnSecondSight ? new SeenKeys(capacity) : undefined;
  }

  /** The source's version now: read it before making a value, and pass it to `keep`. */
  get version(): number {
    return this.source.version;
  }

  get size(): number {
    return this.values.size;
  }

  /** The value kept for `key`, if it was made from the catalog as it is now. */
  get(key: string): V | undefined {
    const kept = this.values.get(key);
    if (kept === undefined) return undefined;
    if (kept.version !== this.source.version) {
      this.values.delete(key);
      return undefined;
    }
    return kept.value;
  }

  /** Drops every value (the catalog changed: none is current any more), so what they hold can go. */
  clear(): void {
    this.values.clear();
  }

  /** Keeps `value`, made from `version` (read before making it), unless the catalog has changed since, or (admitOnSecondSight) the key is new. */
  keep(key: string, version: number, value: V): void {
    this.keepMade(key, version, () => value);
  }

  /** keep, with the value to keep made only when it is kept (`make` may turn what was answered into a form cheaper to hand out again). */
  keepMade(key: string, version: number, make: () => V): void {
    if (version !== this.source.version) return;
    if (this.seen !== undefined && !this.seen.sawBefore(key)) return;
    this.values.delete(key);
    if (this.values.size >= this.capacity) this.values.delete(this.values.keys().next().value!);
    this.values.set(key, { version, value: make() });
  }
}

/**
 * Which keys were offered before, roughly: one bit per hash slot (FNV-1a), all cleared once
 * as many keys were marked as a quarter of the slots. A false "seen" only keeps a value a
 * little early; a key forgotten at a clearing is kept at its next sight.
 */
class SeenKeys {
  private readonly bits: Int32Array;
  private readonly slotMask: number;
  private marked = 0;

  constructor(capacity: number) {
    // 32 slots a kept value at least, a power of two.
    let slots = 1024;
    while (slots < capacity * 32) slots *= 2;
    this.bits = new Int32Array(slots >>> 5);
    this.slotMask = slots - 1;
  }

  /** Whether `key` was marked since the last clearing; marks it. */
  sawBefore(key: string): boolean {
    let hash = 0x811c9dc5;
    for (let i = 0; i < key.length; i++) hash = Math.imul(hash ^ key.charCodeAt(i), 0x01000193);
    const slot = hash & this.slotMask;
    const word = slot >>> 5;
    const bit = 1 << (slot & 31);
    if ((this.bits[word]! & bit) !== 0) return true;
    this.bits[word] = this.bits[word]! | bit;
    if (++this.marked >= (this.slotMask + 1) >>> 2) {
      this.bits.fill(0);
      this.marked = 0;
    }
    return false;
  }
}
