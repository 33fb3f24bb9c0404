import { randomBytes } from 'node:crypto';
import { sql, type Kysely } from 'kysely';

/**
 * People, their browser sessions and the log-in rate-limit counters (src/accounts/).
 * Times are ISO 8601 UTC strings from `Date.toISOString()`: one fixed-width format, so
 * text comparison orders them correctly on both dialects.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('users')
    .addColumn('id', 'varchar(64)', (c) => c.primaryKey())
    .addColumn('email', 'varchar(320)', (c) => c.notNull().unique())
    .addColumn('name', 'varchar(200)', (c) => c.notNull())
    .addColumn('password_hash', 'text', (c) => c.notNull())
    .addColumn('plan', 'varchar(16)', (c) => c.notNull().defaultTo('free').check(sqlCheckPlan()))
    .addColumn('time_zone', 'varchar(64)', (c) => c.notNull().defaultTo('UTC'))
    .addColumn('created_at', 'varchar(40)', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('sessions')
    // SHA-256 (hex) of the cookie value: a leaked table does not let anyone in.
    .addColumn('id', 'varchar(64)', (c) => c.primaryKey())
    .addColumn('user_id', 'varchar(64)', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('created_at', 'varchar(40)', (c) => c.notNull())
    .addColumn('expires_at', 'varchar(40)', (c) => c.notNull())
    .addColumn('last_seen_at', 'varchar(40)', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('sessions_user_id').on('sessions').column('user_id').execute();
  await db.schema.createIndex('sessions_expires_at').on('sessions').column('expires_at').execute();

  await db.schema
    .createTable('login_attempts')
    // `ip:203.0.113.7` or `email:person@example.com`
    .addColumn('key', 'varchar(400)', (c) => c.primaryKey())
    .addColumn('failures', 'integer', (c) => c.notNull())
    .addColumn('window_started_at', 'varchar(40)', (c) => c.notNull())
    .addColumn('locked_until', 'varchar(40)')
    .execute();

  // Keys for signing what Larder hands to browsers (the pre-session CSRF cookie).
  // Kept in the database so every instance behind a load balancer shares them.
  await db.schema
    .createTable('account_secrets')
    .addColumn('name', 'varchar(64)', (c) => c.primaryKey())
    .addColumn('value', 'text', (c) => c.notNull())
    .execute();
  await (db as Kysely<{ account_secrets: { name: string; value: string } }>)
    .insertInto('account_secrets')
    .values({ name: 'csrf', value: randomBytes(32).toString('base64url') })
    .execute();
}

function sqlCheckPlan() {
  return sql`plan in ('free', 'pro')`;
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('account_secrets').execute();
  await db.schema.dropTable('login_attempts').execute();
  await db.schema.dropTable('sessions').execute();
  await db.schema.dropTable('users').execute();
}
