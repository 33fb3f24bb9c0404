import { PostgresAdapter, sql, type Kysely } from 'kysely';

/**
 * Clients that register themselves (RFC 7591, src/oauth/registration.ts) or are known by
 * their metadata document URL (src/oauth/client-metadata-document.ts), beside the
 * operator's: how each came to be, when it was last used (self-registered ones idle for
 * 30 days are pruned) and the cached document's freshness.
 *
 * A metadata document's client_id is its URL, longer than the generated `lc_…` ids, so
 * the columns that hold a client id on PostgreSQL grow to 255 characters (SQLite does
 * not enforce varchar lengths).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  const postgres = db.getExecutor().adapter instanceof PostgresAdapter;
  if (postgres) {
    await sql`alter table oauth_clients alter column client_id type varchar(255)`.execute(db);
    await sql`alter table api_requests alter column client_id type varchar(255)`.execute(db);
  }
  // operator (larder clients:create), self (RFC 7591) or metadata_document (a URL client_id).
  await db.schema.alterTable('oauth_clients').addColumn('registration', 'varchar(20)', (c) => c.notNull().defaultTo('operator')).execute();
  // The method the client registered (RFC 7591 section 2); null means the operator default.
  await db.schema.alterTable('oauth_clients').addColumn('token_endpoint_auth_method', 'varchar(40)').execute();
  await db.schema.alterTable('oauth_clients').addColumn('last_used_at', 'varchar(40)').execute();
  // Until when the stored copy of a metadata document is fresh (RFC 9111), and its validator.
  await db.schema.alterTable('oauth_clients').addColumn('metadata_expires_at', 'varchar(40)').execute();
  await db.schema.alterTable('oauth_clients').addColumn('metadata_etag', 'varchar(200)').execute();
  await db.schema.createIndex('oauth_clients_registration_used').on('oauth_clients').columns(['registration', 'last_used_at']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('oauth_clients_registration_used').execute();
  for (const column of ['metadata_etag', 'metadata_expires_at', 'last_used_at', 'token_endpoint_auth_method', 'registration']) {
    await db.schema.alterTable('oauth_clients').dropColumn(column).execute();
  }
}
