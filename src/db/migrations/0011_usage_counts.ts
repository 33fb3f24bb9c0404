import type { Kysely } from 'kysely';

/**
 * A running count of each person's API requests per UTC day, so the quota check reads
 * one row instead of counting a busy day's history on every request.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('api_usage_daily')
    .addColumn('user_id', 'varchar(64)', (c) => c.notNull())
    .addColumn('day', 'varchar(10)', (c) => c.notNull())
    .addColumn('requests', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('api_usage_daily_pk', ['user_id', 'day'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('api_usage_daily').execute();
}
