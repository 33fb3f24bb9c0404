import { randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';

/**
 * Rate-limit counters shared by every instance (src/limits), one-time account links
 * (src/accounts/account-tokens.ts: confirmations, password resets, email changes), and the
 * key that signs "known browser" cookies. The old per-key lock table goes: its locks
 * shut owners out, and what it held was only counters that lapse within 15 minutes.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('rate_limits')
    // SHA-256 (base64url) of the key, which names an address or an email.
    .addColumn('key', 'varchar(64)', (c) => c.primaryKey())
    .addColumn('count', 'integer', (c) => c.notNull())
    // Epoch milliseconds.
    .addColumn('window_ends_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('rate_limits_window_ends_at').on('rate_limits').column('window_ends_at').execute();

  await db.schema
    .createTable('account_tokens')
    // SHA-256 (hex) of the token in the link: the link itself is never stored.
    .addColumn('id', 'varchar(64)', (c) => c.primaryKey())
    .addColumn('purpose', 'varchar(32)', (c) => c.notNull())
    .addColumn('user_id', 'varchar(64)', (c) => c.references('users.id').onDelete('cascade'))
    .addColumn('email', 'varchar(320)', (c) => c.notNull())
    // JSON: what the link finishes (a pending registration's name and password hash, a new email).
    .addColumn('data', 'text', (c) => c.notNull())
    .addColumn('created_at', 'varchar(40)', (c) => c.notNull())
    .addColumn('expires_at', 'varchar(40)', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('account_tokens_user').on('account_tokens').columns(['user_id', 'purpose']).execute();
  await db.schema.createIndex('account_tokens_expires_at').on('account_tokens').column('expires_at').execute();

  await (db as Kysely<{ account_secrets: { name: string; value: string } }>)
    .insertInto('account_secrets')
    .values({ name: 'device', value: randomBytes(32).toString('base64url') })
    .execute();

  await db.schema.dropTable('login_attempts').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('login_attempts')
    .addColumn('key', 'varchar(400)', (c) => c.primaryKey())
    .addColumn('failures', 'integer', (c) => c.notNull())
    .addColumn('window_started_at', 'varchar(40)', (c) => c.notNull())
    .addColumn('locked_until', 'varchar(40)')
    .execute();
  await (db as Kysely<{ account_secrets: { name: string } }>).deleteFrom('account_secrets').where('name', '=', 'device').execute();
  await db.schema.dropTable('account_tokens').execute();
  await db.schema.dropTable('rate_limits').execute();
}
