import type { Db } from '../db/index.js';
import { CompiledQuery, type Insertable, type Selectable } from 'kysely';
import type { FoodsTable } from '../db/schema.js';
import type { Food, ImportedFood, Portion } from './model.js';
import type { IndexableFood } from './search/index.js';
import { foodIdFor, slugify } from './slug.js';

type FoodRow = Selectable<FoodsTable>;

function rowToFood(row: FoodRow): Food {
  const food: Food = {
    id: row.id,
    slug: row.slug,
    name: row.name,
    foodGroup: row.food_group,
    dataset: row.dataset,
    sourceId: row.source_id,
    nutrients: JSON.parse(row.nutrients) as Food['nutrients'],
    portions: JSON.parse(row.portions) as Food['portions'],
    searchTerms: row.search_terms,
    updatedAt: row.updated_at,
  };
  if (row.common_names) food.commonNames = row.common_names;
  if (row.manufacturer) food.manufacturer = row.manufacturer;
  if (row.scientific_name) food.scientificName = row.scientific_name;
  if (row.survey !== null) food.survey = Number(row.survey) === 1;
  if (row.refuse_percent !== null) food.refuse = { percent: Number(row.refuse_percent), description: row.refuse_description };
  return food;
}

export async function findFoodById(db: Db, id: string): Promise<Food | undefined> {
  const row = await db.selectFrom('foods').selectAll().where('id', '=', id).executeTakeFirst();
  return row ? rowToFood(row) : undefined;
}

export async function findFoodBySlug(db: Db, slug: string): Promise<Food | undefined> {
  const row = await db.selectFrom('foods').selectAll().where('slug', '=', slug).executeTakeFirst();
  return row ? rowToFood(row) : undefined;
}

/** The food that was once served under `slug` (a link made before it was renamed). */
export async function findFoodByFormerSlug(db: Db, slug: string): Promise<Food | undefined> {
  const row = await db
    .selectFrom('food_slugs')
    .innerJoin('foods', 'foods.id', 'food_slugs.food_id')
    .selectAll('foods')
    .where('food_slugs.slug', '=', slug)
    .executeTakeFirst();
  return row ? rowToFood(row) : undefined;
}

/** Up to `limit` whole foods after `afterId`, in id order: the catalog in memory is loaded in such pages. */
export async function listFoodsAfter(db: Db, afterId: string, limit: number): Promise<Food[]> {
  const rows = await db.selectFrom('foods').selectAll().where('id', '>', afterId).orderBy('id').limit(limit).execute();
  return rows.map(rowToFood);
}

/** What the search index and the portion statistics need of a food. */
export interface IndexedCatalogFood extends IndexableFood {
  portions: Portion[];
}

/**
 * Every food as the index needs it, in id order. The index only counts a food's
 * nutrients, so they are counted in the stored JSON (keys are nutrient keys, values
 * numbers: one ":" each) instead of parsing some 13 MB of it on every start.
 */
export async function listIndexableFoods(db: Db): Promise<IndexedCatalogFood[]> {
  const rows = await db.selectFrom('foods').select(['id', 'name', 'food_group', 'search_terms', 'nutrients', 'portions', 'survey']).orderBy('id').execute();
  return rows.map((row) => {
    let count = 0;
    for (let at = row.nutrients.indexOf(':'); at !== -1; at = row.nutrients.indexOf(':', at + 1)) count++;
    const food: IndexedCatalogFood = { id: row.id, name: row.name, foodGroup: row.food_group, searchTerms: row.search_terms, nutrientCount: count, portions: JSON.parse(row.portions) as Portion[] };
    const water = /"water":(-?[\d.eE+-]+)/.exec(row.nutrients);
    if (water) food.water = Number(water[1]);
    if (row.survey !== null) food.survey = Number(row.survey) === 1;
    return food;
  });
}

export async function countFoods(db: Db): Promise<number> {
  const row = await db.selectFrom('foods').select((eb) => eb.fn.countAll<string | number>().as('n')).executeTakeFirstOrThrow();
  return Number(row.n);
}

export interface UpsertSummary {
  added: number;
  updated: number;
  unchanged: number;
}

/** Rows a statement: 16 columns x 500 stays far below SQLite's 32,766 and PostgreSQL's 65,535 parameters. */
const BATCH = 500;

export interface UpsertOptions {
  /**
   * Give a renamed food the slug of its new name (its old slugs keep leading to it).
   * Off for imports, where a food's slug never changes; on when the bundled catalog
   * replaces an older bundle whose names were different.
   */
  renameSlugs?: boolean;
  /** Only update foods already in the catalog: never add back a food an operator deleted. */
  onlyExisting?: boolean;
  now?: Date;
}

const FINGERPRINT_COLUMNS = [
  'name', 'food_group', 'dataset', 'nutrients', 'portions', 'search_terms',
  'common_names', 'manufacturer', 'scientific_name', 'survey', 'refuse_percent', 'refuse_description',
] as const;

type FingerprintRow = Pick<Insertable<FoodsTable>, (typeof FINGERPRINT_COLUMNS)[number]>;

/**
 * Writes foods keyed by their stable id: new ones are added, known ones updated in
 * place (their id never changes, nor their slug unless `renameSlugs`, so links and
 * diary entries stay valid). Every slug given out is recorded in food_slugs, and a
 * slug once given to one food is never given to another.
 * Runs inside the caller's transaction when given one, so a bad file changes nothing.
 */
export async function upsertFoods(db: Db, foods: Iterable<ImportedFood> | AsyncIterable<ImportedFood>, options: UpsertOptions = {}): Promise<UpsertSummary> {
  const existing = new Map<string, { slug: string; name: string; fingerprint: string }>();
  for (const row of await db.selectFrom('foods').select(['id', 'slug', ...FINGERPRINT_COLUMNS]).execute()) {
    existing.set(row.id, { slug: row.slug, name: row.name, fingerprint: fingerprintOf(row) });
  }
  const slugOwner = new Map<string, string>();
  for (const row of await db.selectFrom('food_slugs').select(['slug', 'food_id']).execute()) slugOwner.set(row.slug, row.food_id);
  for (const [id, { slug }] of existing) if (!slugOwner.has(slug)) slugOwner.set(slug, id);
  const summary: UpsertSummary = { added: 0, updated: 0, unchanged: 0 };
  const updatedAt = (options.now ?? new Date()).toISOString();
  const seen = new Set<string>();
  let batch: Array<Insertable<FoodsTable>> = [];
  let newSlugs: Array<{ slug: string; food_id: string }> = [];

  // The SQL of a batch of each size, once Kysely has compiled one and its parameters were
  // found to be the rows' values in column order: the next batches of that size run it with
  // their own values. Building and compiling 500 rows x 16 columns costs about as much as
  // SQLite writing them (a first start writes 18 batches).
  const statements = new Map<number, string>();
  const flush = async (): Promise<void> => {
    if (batch.length > 0) {
      const parameters = batch.flatMap(rowValues);
      const known = statements.get(batch.length);
      if (known !== undefined) {
        await db.executeQuery(CompiledQuery.raw(known, parameters));
      } else {
        const compiled = insertFoodsQuery(db, batch).compile();
        if (compiled.parameters.length === parameters.length && compiled.parameters.every((value, i) => value === parameters[i])) statements.set(batch.length, compiled.sql);
        await db.executeQuery(compiled);
      }
      batch = [];
    }
    if (newSlugs.length > 0) {
      await db.insertInto('food_slugs').values(newSlugs).execute();
      newSlugs = [];
    }
  };

  for await (const food of foods) {
    const id = foodIdFor(food.dataset, food.sourceId);
    if (seen.has(id)) continue; // a file listing one food twice: the first wins
    seen.add(id);
    const known = existing.get(id);
    if (!known && options.onlyExisting) continue;
    const row: Insertable<FoodsTable> = {
      id,
      slug: '',
      name: food.name,
      food_group: food.foodGroup,
      dataset: food.dataset,
      source_id: food.sourceId,
      nutrients: JSON.stringify(food.nutrients),
      portions: JSON.stringify(food.portions),
      search_terms: food.searchTerms ?? '',
      common_names: food.commonNames ?? '',
      manufacturer: food.manufacturer ?? '',
      scientific_name: food.scientificName ?? '',
      survey: food.survey === undefined ? null : food.survey ? 1 : 0,
      refuse_percent: food.refuse?.percent ?? null,
      refuse_description: food.refuse?.description ?? '',
      updated_at: updatedAt,
    };
    let slug: string;
    if (known) {
      const renamed = options.renameSlugs === true && known.name !== food.name && !isSlugOf(known.slug, food);
      if (!renamed && known.fingerprint === fingerprintOf(row)) {
        summary.unchanged++;
        continue;
      }
      slug = renamed ? uniqueSlug(food, id, slugOwner) : known.slug;
      summary.updated++;
    } else {
      slug = uniqueSlug(food, id, slugOwner);
      summary.added++;
    }
    row.slug = slug;
    if (!slugOwner.has(slug)) {
      slugOwner.set(slug, id);
      newSlugs.push({ slug, food_id: id });
    }
    batch.push(row);
    if (batch.length >= BATCH) await flush();
  }
  await flush();
  return summary;
}

/** The columns of a food row, in the order upsertFoods builds its rows (and Kysely binds their values). */
const ROW_COLUMNS = [
  'id', 'slug', 'name', 'food_group', 'dataset', 'source_id', 'nutrients', 'portions', 'search_terms',
  'common_names', 'manufacturer', 'scientific_name', 'survey', 'refuse_percent', 'refuse_description', 'updated_at',
] as const satisfies ReadonlyArray<keyof Insertable<FoodsTable>>;

function rowValues(row: Insertable<FoodsTable>): unknown[] {
  return ROW_COLUMNS.map((column) => row[column]);
}

/** Adds the rows, or updates the foods whose id is already there (every column but the id). */
function insertFoodsQuery(db: Db, rows: Array<Insertable<FoodsTable>>) {
  return db
    .insertInto('foods')
    .values(rows)
    .onConflict((oc) =>
      oc.column('id').doUpdateSet((eb) => ({
        slug: eb.ref('excluded.slug'),
        name: eb.ref('excluded.name'),
        food_group: eb.ref('excluded.food_group'),
        dataset: eb.ref('excluded.dataset'),
        source_id: eb.ref('excluded.source_id'),
        nutrients: eb.ref('excluded.nutrients'),
        portions: eb.ref('excluded.portions'),
        search_terms: eb.ref('excluded.search_terms'),
        common_names: eb.ref('excluded.common_names'),
        manufacturer: eb.ref('excluded.manufacturer'),
        scientific_name: eb.ref('excluded.scientific_name'),
        survey: eb.ref('excluded.survey'),
        refuse_percent: eb.ref('excluded.refuse_percent'),
        refuse_description: eb.ref('excluded.refuse_description'),
        updated_at: eb.ref('excluded.updated_at'),
      })),
    );
}

function fingerprintOf(row: FingerprintRow): string {
  return JSON.stringify(FINGERPRINT_COLUMNS.map((column) => row[column] ?? null));
}

/** Whether `slug` is what uniqueSlug would give this name (so a rename that reads the same keeps it). */
function isSlugOf(slug: string, food: ImportedFood): boolean {
  const base = slugify(food.name);
  return slug === base || slug.startsWith(`${base}-${slugify(food.sourceId)}`);
}

/** The name's slug, or with the source id (and a counter) when another food holds it or ever did. */
function uniqueSlug(food: ImportedFood, id: string, owners: ReadonlyMap<string, string>): string {
  const free = (slug: string) => {
    const owner = owners.get(slug);
    return owner === undefined || owner === id;
  };
  const base = slugify(food.name);
  if (free(base)) return base;
  const withSource = `${base}-${slugify(food.sourceId)}`;
  if (free(withSource)) return withSource;
  for (let n = 2; ; n++) {
    const candidate = `${withSource}-${n}`;
    if (free(candidate)) return candidate;
  }
}

export async function getMeta(db: Db, key: string): Promise<string | undefined> {
  const row = await db.selectFrom('larder_meta').select('value').where('key', '=', key).executeTakeFirst();
  return row?.value;
}

export async function setMeta(db: Db, key: string, value: string): Promise<void> {
  await db
    .insertInto('larder_meta')
    .values({ key, value })
    .onConflict((oc) => oc.column('key').doUpdateSet({ value }))
    .execute();
}
