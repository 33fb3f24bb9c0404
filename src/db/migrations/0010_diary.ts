import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('diary_entries')
    .addColumn('id', 'varchar(40)', (c) => c.primaryKey())
    .addColumn('user_id', 'varchar(64)', (c) => c.notNull())
    .addColumn('entry_date', 'varchar(10)', (c) => c.notNull())
    .addColumn('meal', 'varchar(16)', (c) => c.notNull())
    .addColumn('food_id', 'varchar(64)', (c) => c.notNull())
    // What was eaten is kept as it was logged: a later catalog import never rewrites a diary.
    .addColumn('food_name', 'text', (c) => c.notNull())
    .addColumn('amount_label', 'text', (c) => c.notNull())
    .addColumn('grams', 'double precision', (c) => c.notNull())
    .addColumn('nutrients', 'text', (c) => c.notNull())
    .addColumn('client_id', 'varchar(100)')
    .addColumn('idempotency_key', 'varchar(200)')
    .addColumn('request_fingerprint', 'varchar(64)')
    .addColumn('created_at', 'varchar(40)', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('diary_entries_user_date').on('diary_entries').columns(['user_id', 'entry_date']).execute();
  await db.schema.createIndex('diary_entries_idempotency').on('diary_entries').columns(['user_id', 'idempotency_key']).unique().execute();

  await db.schema
    .createTable('diary_goals')
    .addColumn('user_id', 'varchar(64)', (c) => c.primaryKey())
    .addColumn('goals', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'varchar(40)', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('diary_goals').execute();
  await db.schema.dropTable('diary_entries').execute();
}
