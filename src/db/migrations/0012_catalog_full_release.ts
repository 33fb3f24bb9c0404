import { sql, type Kysely } from 'kysely';

/**
 * The full SR28 release replaces the abbreviated one as the bundled catalog (issue 10):
 * foods gain what the full release says of them, and every slug a food was ever served
 * under is kept, so links made before a food was renamed (the bundled names changed
 * from expanded short names to USDA's long descriptions) still lead to it.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('foods').addColumn('common_names', 'text', (c) => c.notNull().defaultTo('')).execute();
  await db.schema.alterTable('foods').addColumn('manufacturer', 'text', (c) => c.notNull().defaultTo('')).execute();
  await db.schema.alterTable('foods').addColumn('scientific_name', 'text', (c) => c.notNull().defaultTo('')).execute();
  // Null: the dataset does not say (only SR28 has the survey flag).
  await db.schema.alterTable('foods').addColumn('survey', 'integer').execute();
  await db.schema.alterTable('foods').addColumn('refuse_percent', 'double precision').execute();
  await db.schema.alterTable('foods').addColumn('refuse_description', 'text', (c) => c.notNull().defaultTo('')).execute();

  await db.schema
    .createTable('food_slugs')
    .addColumn('slug', 'varchar(200)', (c) => c.primaryKey())
    .addColumn('food_id', 'varchar(64)', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('food_slugs_food').on('food_slugs').column('food_id').execute();
  // Every slug served so far: the ones the catalog pages and API links used before the switch.
  await sql`insert into food_slugs (slug, food_id) select slug, id from foods`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('food_slugs').execute();
  for (const column of ['refuse_description', 'refuse_percent', 'survey', 'scientific_name', 'manufacturer', 'common_names']) {
    await db.schema.alterTable('foods').dropColumn(column).execute();
  }
}
