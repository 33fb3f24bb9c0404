import type { Kysely } from 'kysely';

/**
 * The `uid` and `user_code` lookups of `oauth_models` as partial indexes, over the rows
 * that have one. Only Session and Interaction rows carry a `uid`, and no model Larder
 * enables carries a `user_code` (the device flow is off), yet every access token, refresh
 * token and code stored went into both indexes under a NULL key: two of the seven B-trees
 * each token-endpoint write updated. `uid = ?` and `user_code = ?` imply `IS NOT NULL`, so
 * the adapter's queries (findByUid, findByUserCode, provider-session.ts) use them as
 * before, on SQLite and PostgreSQL alike.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('oauth_models_uid').execute();
  await db.schema.createIndex('oauth_models_uid').on('oauth_models').columns(['model', 'uid']).where('uid', 'is not', null).execute();
  await db.schema.dropIndex('oauth_models_user_code').execute();
  await db.schema.createIndex('oauth_models_user_code').on('oauth_models').columns(['model', 'user_code']).where('user_code', 'is not', null).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('oauth_models_user_code').execute();
  await db.schema.createIndex('oauth_models_user_code').on('oauth_models').columns(['model', 'user_code']).execute();
  await db.schema.dropIndex('oauth_models_uid').execute();
  await db.schema.createIndex('oauth_models_uid').on('oauth_models').columns(['model', 'uid']).execute();
}
