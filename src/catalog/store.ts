import type { Db } from '../db/index.js';
import type { FoodsTable } from '../db/schema.js';
import type { Food, ImportedFood } from './model.js';
import { foodIdFor, slugify } from './slug.js';

function rowToFood(row: FoodsTable): Food {
  return {
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
}

export async function findFoodById(db: Db, id: string): Promise<Food | undefined> {
  const row = await db.selectFrom('foods').selectAll().where('id', '=', id).executeTakeFirst();
  return row ? rowToFood(row) : undefined;
}

export async function findFoodBySlug(db: Db, slug: string): Promise<Food | undefined> {
  const row = await db.selectFrom('foods').selectAll().where('slug', '=', slug).executeTakeFirst();
  return row ? rowToFood(row) : undefined;
}

/** Every food, in id order: what the search index is built from. */
export async function listAllFoods(db: Db): Promise<Food[]> {
  const rows = await db.selectFrom('foods').selectAll().orderBy('id').execute();
  return rows.map(rowToFood);
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

const BATCH = 200;

/**
 * Writes foods keyed by their stable id: new ones are added, known ones updated in
 * place (their id and slug never change, so links and diary entries stay valid).
 * Runs inside the caller's transaction when given one, so a bad file changes nothing.
 */
export async function upsertFoods(db: Db, foods: Iterable<ImportedFood> | AsyncIterable<ImportedFood>, now = new Date()): Promise<UpsertSummary> {
  const existing = new Map<string, { slug: string; fingerprint: string }>();
  for (const row of await db.selectFrom('foods').select(['id', 'slug', 'name', 'food_group', 'dataset', 'nutrients', 'portions', 'search_terms']).execute()) {
    existing.set(row.id, { slug: row.slug, fingerprint: fingerprintOf(row) });
  }
  const takenSlugs = new Set([...existing.values()].map((e) => e.slug));
  const summary: UpsertSummary = { added: 0, updated: 0, unchanged: 0 };
  const updatedAt = now.toISOString();
  const seen = new Set<string>();
  let batch: FoodsTable[] = [];

  const flush = async (): Promise<void> => {
    if (batch.length === 0) return;
    await db
      .insertInto('foods')
      .values(batch)
      .onConflict((oc) =>
        oc.column('id').doUpdateSet((eb) => ({
          name: eb.ref('excluded.name'),
          food_group: eb.ref('excluded.food_group'),
          dataset: eb.ref('excluded.dataset'),
          source_id: eb.ref('excluded.source_id'),
          nutrients: eb.ref('excluded.nutrients'),
          portions: eb.ref('excluded.portions'),
          search_terms: eb.ref('excluded.search_terms'),
          updated_at: eb.ref('excluded.updated_at'),
        })),
      )
      .execute();
    batch = [];
  };

  for await (const food of foods) {
    const id = foodIdFor(food.dataset, food.sourceId);
    if (seen.has(id)) continue; // a file listing one food twice: the first wins
    seen.add(id);
    const row: FoodsTable = {
      id,
      slug: '',
      name: food.name,
      food_group: food.foodGroup,
      dataset: food.dataset,
      source_id: food.sourceId,
      nutrients: JSON.stringify(food.nutrients),
      portions: JSON.stringify(food.portions),
      search_terms: food.searchTerms ?? '',
      updated_at: updatedAt,
    };
    const known = existing.get(id);
    if (known) {
      if (known.fingerprint === fingerprintOf(row)) {
        summary.unchanged++;
        continue;
      }
      row.slug = known.slug;
      summary.updated++;
    } else {
      row.slug = uniqueSlug(food, takenSlugs);
      takenSlugs.add(row.slug);
      summary.added++;
    }
    batch.push(row);
    if (batch.length >= BATCH) await flush();
  }
  await flush();
  return summary;
}

function fingerprintOf(row: Pick<FoodsTable, 'name' | 'food_group' | 'dataset' | 'nutrients' | 'portions' | 'search_terms'>): string {
  return JSON.stringify([row.name, row.food_group, row.dataset, row.nutrients, row.portions, row.search_terms]);
}

function uniqueSlug(food: ImportedFood, taken: Set<string>): string {
  const base = slugify(food.name);
  if (!taken.has(base)) return base;
  const withSource = `${base}-${slugify(food.sourceId)}`;
  if (!taken.has(withSource)) return withSource;
  for (let n = 2; ; n++) {
    const candidate = `${withSource}-${n}`;
    if (!taken.has(candidate)) return candidate;
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
