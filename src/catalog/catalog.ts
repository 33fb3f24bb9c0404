import type { FastifyBaseLogger } from 'fastify';
import type { Db } from '../db/index.js';
import { BUNDLED_DATASET, readBundledCatalog } from './bundled.js';
import type { Food, ImportedFood } from './model.js';
import { FoodSearchIndex } from './search/index.js';
import { countFoods, findFoodById, findFoodBySlug, getMeta, listAllFoods, setMeta, upsertFoods, type UpsertSummary } from './store.js';

const CATALOG_VERSION = 'catalog_version';
const BUNDLED_LOADED = 'bundled_catalog_loaded';

/**
 * The food catalog: the database holds the foods; each process keeps a search index
 * in memory, built at start and rebuilt when another process (an import from the
 * CLI, another instance) changes the catalog, which it notices by the catalog version.
 */
export class Catalog {
  private index: FoodSearchIndex = new FoodSearchIndex([]);
  private indexedVersion: string | undefined;
  private rebuilding: Promise<void> | undefined;

  constructor(
    private readonly db: Db,
    private readonly log?: FastifyBaseLogger,
  ) {}

  get size(): number {
    return this.index.size;
  }

  /**
   * Loads the bundled SR28 catalog into an empty database, once in the database's life:
   * never over foods an operator imported first, never again after it was loaded.
   */
  async loadBundledIfNeeded(): Promise<UpsertSummary | undefined> {
    if ((await getMeta(this.db, BUNDLED_LOADED)) !== undefined) return undefined;
    if ((await countFoods(this.db)) > 0) {
      await setMeta(this.db, BUNDLED_LOADED, 'skipped: the catalog already had foods');
      return undefined;
    }
    const started = Date.now();
    const foods = readBundledCatalog();
    const summary = await this.importFoods(foods, async (trx) => {
      await setMeta(trx, BUNDLED_LOADED, new Date().toISOString());
    });
    this.log?.info({ foods: foods.length, ms: Date.now() - started, dataset: BUNDLED_DATASET }, 'bundled catalog loaded');
    return summary;
  }

  /** Writes foods in one transaction and bumps the catalog version so every process re-indexes. */
  async importFoods(foods: Iterable<ImportedFood> | AsyncIterable<ImportedFood>, alsoInTransaction?: (trx: Db) => Promise<void>): Promise<UpsertSummary> {
    const summary = await this.db.transaction().execute(async (trx) => {
      const result = await upsertFoods(trx, foods);
      if (result.added + result.updated > 0) await setMeta(trx, CATALOG_VERSION, `${Date.now()}-${Math.random().toString(36).slice(2)}`);
      if (alsoInTransaction) await alsoInTransaction(trx);
      return result;
    });
    await this.refresh();
    return summary;
  }

  /** Rebuilds the index when the catalog version in the database differs from the indexed one. */
  async refresh(): Promise<void> {
    if (this.rebuilding) return this.rebuilding;
    this.rebuilding = (async () => {
      const version = (await getMeta(this.db, CATALOG_VERSION)) ?? 'empty';
      if (version === this.indexedVersion) return;
      const started = Date.now();
      const foods = await listAllFoods(this.db);
      this.index = new FoodSearchIndex(foods);
      this.indexedVersion = version;
      this.log?.info({ foods: foods.length, ms: Date.now() - started }, 'search index built');
    })().finally(() => {
      this.rebuilding = undefined;
    });
    return this.rebuilding;
  }

  /** The best `limit` foods for a query, best first. */
  async searchFoods(query: string, limit: number): Promise<Food[]> {
    const hits = this.index.search(query, limit);
    if (hits.length === 0) return [];
    const foods = await Promise.all(hits.map((hit) => findFoodById(this.db, hit.id)));
    return foods.filter((food): food is Food => food !== undefined);
  }

  findById(id: string): Promise<Food | undefined> {
    return findFoodById(this.db, id);
  }

  findBySlug(slug: string): Promise<Food | undefined> {
    return findFoodBySlug(this.db, slug);
  }

  count(): Promise<number> {
    return countFoods(this.db);
  }
}
