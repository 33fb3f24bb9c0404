import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('foods')
    .addColumn('id', 'varchar(64)', (c) => c.primaryKey())
    .addColumn('slug', 'varchar(200)', (c) => c.notNull().unique())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('food_group', 'text', (c) => c.notNull())
    .addColumn('dataset', 'varchar(64)', (c) => c.notNull())
    .addColumn('source_id', 'varchar(64)', (c) => c.notNull())
    .addColumn('nutrients', 'text', (c) => c.notNull())
    .addColumn('portions', 'text', (c) => c.notNull())
    .addColumn('search_terms', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('updated_at', 'varchar(40)', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('foods_source').on('foods').columns(['dataset', 'source_id']).unique().execute();

  await db.schema
    .createTable('larder_meta')
    .addColumn('key', 'varchar(100)', (c) => c.primaryKey())
    .addColumn('value', 'text', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('larder_meta').execute();
  await db.schema.dropTable('foods').execute();
}
