import { PostgresAdapter, type Kysely } from 'kysely';

/**
 * OAuth clients (src/oauth/clients.ts), the API request log (src/api/usage.ts), and two
 * lookup columns on oauth_models so a person's or a client's grants and tokens are found
 * by index instead of by parsing JSON payloads (connected apps, clients:delete).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  const postgres = db.getExecutor().adapter instanceof PostgresAdapter;
  await db.schema
    .createTable('oauth_clients')
    .addColumn('client_id', 'varchar(64)', (c) => c.primaryKey())
    .addColumn('name', 'varchar(200)', (c) => c.notNull())
    // SHA-256 (hex) of a 256-bit random secret; null for public clients.
    .addColumn('secret_hash', 'varchar(128)')
    // JSON array of absolute URIs, compared exactly (RFC 9700 section 4.1.3).
    .addColumn('redirect_uris', 'text', (c) => c.notNull())
    // Space-separated scopes the client may ask for; also what an empty `scope=` means.
    .addColumn('scopes', 'text', (c) => c.notNull())
    .addColumn('is_public', 'integer', (c) => c.notNull().defaultTo(0))
    // Space-separated grant types: authorization_code and usually refresh_token.
    .addColumn('grant_types', 'varchar(200)', (c) => c.notNull())
    .addColumn('created_at', 'varchar(40)', (c) => c.notNull())
    .addColumn('updated_at', 'varchar(40)', (c) => c.notNull())
    .execute();

  await db.schema.alterTable('oauth_models').addColumn('client_id', 'varchar(255)').execute();
  await db.schema.alterTable('oauth_models').addColumn('account_id', 'varchar(255)').execute();
  await db.schema.createIndex('oauth_models_client_id').on('oauth_models').column('client_id').execute();
  await db.schema.createIndex('oauth_models_account_id').on('oauth_models').columns(['account_id', 'model']).execute();

  await db.schema
    .createTable('api_requests')
    .addColumn('id', postgres ? 'bigserial' : 'integer', (c) => (postgres ? c.primaryKey() : c.primaryKey().autoIncrement()))
    .addColumn('user_id', 'varchar(64)', (c) => c.notNull())
    .addColumn('client_id', 'varchar(64)', (c) => c.notNull())
    .addColumn('grant_id', 'varchar(255)')
    .addColumn('method', 'varchar(10)', (c) => c.notNull())
    .addColumn('route', 'varchar(200)', (c) => c.notNull())
    .addColumn('status', 'integer', (c) => c.notNull())
    .addColumn('duration_ms', 'integer', (c) => c.notNull())
    // Epoch milliseconds, so "today" and "last used" are plain integer comparisons.
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('api_requests_user_time').on('api_requests').columns(['user_id', 'created_at']).execute();
  await db.schema.createIndex('api_requests_grant').on('api_requests').columns(['grant_id', 'created_at']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('api_requests').execute();
  await db.schema.dropIndex('oauth_models_account_id').execute();
  await db.schema.dropIndex('oauth_models_client_id').execute();
  await db.schema.alterTable('oauth_models').dropColumn('account_id').execute();
  await db.schema.alterTable('oauth_models').dropColumn('client_id').execute();
  await db.schema.dropTable('oauth_clients').execute();
}
