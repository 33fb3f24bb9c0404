import { PostgresAdapter, type Kysely } from 'kysely';

/**
 * The change feed (src/changes/): one row for every change that processes may hold a
 * copy of in memory (a revoked grant or token, a changed client or account), read by
 * every instance every few hundred milliseconds to drop its stale copies.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  const postgres = db.getExecutor().adapter instanceof PostgresAdapter;
  await db.schema
    .createTable('change_feed')
    .addColumn('seq', postgres ? 'bigserial' : 'integer', (c) => (postgres ? c.primaryKey() : c.primaryKey().autoIncrement()))
    .addColumn('kind', 'varchar(16)', (c) => c.notNull())
    .addColumn('key', 'varchar(255)', (c) => c.notNull())
    // Epoch milliseconds; rows older than a few minutes are purged.
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('change_feed').execute();
}
