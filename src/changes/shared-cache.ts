import type { Change, ChangeFeed } from './feed.js';

export interface SharedCacheOptions<V> {
  /** The feed whose changes drop entries, and without whose freshness no entry is used. */
  feed: ChangeFeed;
  /** Longest an entry lives, whatever the feed says (a bound should a change row be lost). */
  ttlMs: number;
  /** Most entries kept; the oldest go first. */
  capacity: number;
  /** The changes that make an entry stale, as `kind:key` tags (`grant:abc`, `account:usr_1`). */
  tagsOf: (value: V, key: string) => readonly string[];
  /** When an entry stops being valid on its own (a token's expiry, epoch ms); default: never. */
  validUntil?: (value: V) => number;
}

interface Entry<V> {
  value: V;
  expiresAt: number;
  tags: readonly string[];
}

/** `kind:key`, the tag a change drops. */
export function changeTag(change: Change): string {
  return `${change.kind}:${change.key}`;
}

/**
 * An in-process copy of rows every instance shares, kept in step through the change feed:
 * an entry is used only while the feed is fresh, is dropped as soon as a change names one
 * of its tags (at once on the instance that made the change, within a second elsewhere),
 * and lives at most `ttlMs`. Misses read through `load`; nothing absent is cached, so an
 * unknown key always costs its database read.
 */
export class SharedCache<V> {
  readonly #options: SharedCacheOptions<V>;
  readonly #entries = new Map<string, Entry<V>>();
  readonly #byTag = new Map<string, Set<string>>();

  constructor(options: SharedCacheOptions<V>) {
    this.#options = options;
    options.feed.subscribe((change) => this.invalidate(changeTag(change)));
  }

  get size(): number {
    return this.#entries.size;
  }

  /** The cached value, if it may be used now. */
  get(key: string): V | undefined {
    const entry = this.#entries.get(key);
    if (!entry) return undefined;
    if (Date.now() >= entry.expiresAt) {
      this.#remove(key);
      return undefined;
    }
    return this.#options.feed.fresh ? entry.value : undefined;
  }

  /** The cached value, or `loader`'s (cached when no change was applied while it ran). */
  async load(key: string, loader: () => Promise<V | undefined>): Promise<V | undefined> {
    const cached = this.get(key);
    if (cached !== undefined) return cached;
    const { feed } = this.#options;
    const epoch = feed.epoch;
    const value = await loader();
    if (value !== undefined && feed.epoch === epoch && feed.fresh) this.#set(key, value);
    return value;
  }

  /** Drops every entry tagged `tag`. */
  invalidate(tag: string): void {
    const keys = this.#byTag.get(tag);
    if (!keys) return;
    for (const key of [...keys]) this.#remove(key);
  }

  clear(): void {
    this.#entries.clear();
    this.#byTag.clear();
  }

  #set(key: string, value: V): void {
    const { ttlMs, capacity, tagsOf, validUntil } = this.#options;
    this.#remove(key);
    if (this.#entries.size >= capacity) this.#remove(this.#entries.keys().next().value!);
    const expiresAt = Math.min(Date.now() + ttlMs, validUntil ? validUntil(value) : Number.POSITIVE_INFINITY);
    const tags = tagsOf(value, key);
    this.#entries.set(key, { value, expiresAt, tags });
    for (const tag of tags) {
      let keys = this.#byTag.get(tag);
      if (!keys) this.#byTag.set(tag, (keys = new Set()));
      keys.add(key);
    }
  }

  #remove(key: string): void {
    const entry = this.#entries.get(key);
    if (!entry) return;
    this.#entries.delete(key);
    for (const tag of entry.tags) {
      const keys = this.#byTag.get(tag);
      keys?.delete(key);
      if (keys?.size === 0) this.#byTag.delete(tag);
    }
  }
}
