import type { Kysely } from 'kysely';

/**
 * Storage for oidc-provider's models (see src/oauth/adapter.ts): one table for every
 * model, keyed by (model, id). Times are integer epoch seconds on both dialects
 * (`bigint` so PostgreSQL does not stop at 2038; SQLite gives it INTEGER affinity).
 * The payload is JSON *text*, not jsonb, so it round-trips byte for byte (jsonb
 * reorders keys and drops duplicates).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('oauth_models')
    .addColumn('model', 'varchar(64)', (c) => c.notNull())
    .addColumn('id', 'varchar(255)', (c) => c.notNull())
    .addColumn('payload', 'text', (c) => c.notNull())
    .addColumn('grant_id', 'varchar(255)')
    .addColumn('user_code', 'varchar(255)')
    .addColumn('uid', 'varchar(255)')
    .addColumn('expires_at', 'bigint')
    .addColumn('consumed_at', 'bigint')
    .addPrimaryKeyConstraint('oauth_models_pk', ['model', 'id'])
    .execute();
  await db.schema.createIndex('oauth_models_grant_id').on('oauth_models').column('grant_id').execute();
  await db.schema.createIndex('oauth_models_uid').on('oauth_models').columns(['model', 'uid']).execute();
  await db.schema.createIndex('oauth_models_user_code').on('oauth_models').columns(['model', 'user_code']).execute();
  await db.schema.createIndex('oauth_models_expires_at').on('oauth_models').column('expires_at').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('oauth_models').execute();
}
