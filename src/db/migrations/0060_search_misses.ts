import type { Kysely } from 'kysely';

/**
 * Searches whose best result was not the food asked for, counted per UTC day and
 * normalized query text (src/catalog/search-misses.ts), for `larder stats`: which foods
 * people look for that the catalog lacks. Linked to no person and no client; rows older
 * than the retention are pruned.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('search_misses')
    .addColumn('day', 'varchar(10)', (c) => c.notNull())
    .addColumn('query', 'varchar(80)', (c) => c.notNull())
    .addColumn('searches', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('search_misses_pk', ['day', 'query'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('search_misses').execute();
}
