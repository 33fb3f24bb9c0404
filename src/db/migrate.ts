import { PostgresAdapter, sql, type Kysely } from 'kysely';
import type { Migration } from 'kysely/migration';
import type { Db } from './index.js';
import { writeTransaction } from './write-transaction.js';
import * as catalog0001 from './migrations/0001_catalog.js';
import * as oauth0002 from './migrations/0002_oauth.js';
import * as accounts0003 from './migrations/0003_accounts.js';
import * as clients0004 from './migrations/0004_clients.js';
import * as diary0010 from './migrations/0010_diary.js';
import * as usage0011 from './migrations/0011_usage_counts.js';
import * as catalog0012 from './migrations/0012_catalog_full_release.js';
import * as diary0013 from './migrations/0013_diary_portion_note.js';
import * as hashedOAuthIds0020 from './migrations/0020_hashed_oauth_ids.js';
import * as accountSecurity0021 from './migrations/0021_account_security.js';
import * as clientRegistration0030 from './migrations/0030_client_registration.js';
import * as changes0040 from './migrations/0040_change_feed.js';
import * as activity0050 from './migrations/0050_activity.js';
import * as diaryNote0051 from './migrations/0051_diary_note.js';
import * as searchMisses0060 from './migrations/0060_search_misses.js';
import * as oauthPartialIndexes0070 from './migrations/0070_oauth_partial_indexes.js';

/**
 * Migrations are compiled into the program (not discovered on disk) so the same
 * list runs from `npm start`, from `larder db:migrate` and from the tests.
 * Append new ones; never edit one that has shipped.
 */
const migrations: Record<string, Migration> = {
  '0001_catalog': catalog0001,
  '0002_oauth': oauth0002,
  '0003_accounts': accounts0003,
  '0004_clients': clients0004,
  '0010_diary': diary0010,
  '0011_usage_counts': usage0011,
  '0012_catalog_full_release': catalog0012,
  '0013_diary_portion_note': diary0013,
  '0020_hashed_oauth_ids': hashedOAuthIds0020,
  '0021_account_security': accountSecurity0021,
  '0030_client_registration': clientRegistration0030,
  '0040_change_feed': changes0040,
  '0050_activity': activity0050,
  '0051_diary_note': diaryNote0051,
  '0060_search_misses': searchMisses0060,
  '0070_oauth_partial_indexes': oauthPartialIndexes0070,
};

/** Kysely's bookkeeping table, kept so databases migrated by earlier versions read the same. */
const MIGRATION_TABLE = 'kysely_migration';

export interface MigrationResult {
  /** The migrations this run applied, in order. */
  applied: string[];
}

export async function migrateToLatest(db: Db): Promise<MigrationResult> {
  return runMigrations(db, undefined);
}

/** Migrates up to the named migration: how tests build a database as an older version left it. */
export async function migrateTo(db: Db, name: string): Promise<MigrationResult> {
  if (!(name in migrations)) throw new Error(`No migration is named ${name}`);
  return runMigrations(db, name);
}

/**
 * Larder's own runner instead of Kysely's Migrator: the Migrator introspects the tables of
 * *every* PostgreSQL schema to find its bookkeeping, so a schema dropped by someone else at
 * that moment failed this database's migration ("schema t_... does not exist"). Here
 * everything stays in the current schema: one connection, one transaction, PostgreSQL's
 * advisory lock named after the schema (two processes starting at once migrate once),
 * SQLite's BEGIN IMMEDIATE for the same reason (write-transaction.ts).
 */
async function runMigrations(db: Db, upTo: string | undefined): Promise<MigrationResult> {
  const postgres = db.getExecutor().adapter instanceof PostgresAdapter;
  const names = Object.keys(migrations).sort();
  try {
    return await writeTransaction(db, async (connection) => {
      if (postgres) await sql`select pg_advisory_xact_lock(hashtext(current_schema() || '.larder_migrations'))`.execute(connection);
      await connection.schema
        .createTable(MIGRATION_TABLE)
        .ifNotExists()
        .addColumn('name', 'varchar(255)', (column) => column.notNull().primaryKey())
        .addColumn('timestamp', 'varchar(255)', (column) => column.notNull())
        .execute();
      const { rows } = await sql<{ name: string }>`select name from ${sql.table(MIGRATION_TABLE)}`.execute(connection);
      const executed = new Set(rows.map((row) => row.name));
      const unknown = [...executed].filter((name) => !(name in migrations));
      if (unknown.length > 0) throw new Error(`the database was migrated by a newer Larder (${unknown.join(', ')}); run that version or newer`);
      const applied: string[] = [];
      for (const name of names) {
        if (upTo !== undefined && name > upTo) break;
        if (executed.has(name)) continue;
        try {
          await migrations[name]!.up(connection as unknown as Kysely<unknown>);
        } catch (error) {
          throw new Error(`${name} failed: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
        }
        await sql`insert into ${sql.table(MIGRATION_TABLE)} (name, timestamp) values (${name}, ${new Date().toISOString()})`.execute(connection);
        applied.push(name);
      }
      return { applied };
    });
  } catch (error) {
    throw new Error(`Database migration ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
}

/**
 * The migrations this program knows that the database has not run, for /readyz: a plain
 * read of the bookkeeping table (in the current schema), cheap enough to poll.
 * A database never migrated has every one pending.
 */
export async function pendingMigrations(db: Db): Promise<string[]> {
  let executed: Set<string>;
  try {
    const { rows } = await sql<{ name: string }>`select name from ${sql.table(MIGRATION_TABLE)}`.execute(db);
    executed = new Set(rows.map((row) => row.name));
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    const missingTable = code === '42P01' || (code === 'SQLITE_ERROR' && /no such table/.test(String((error as Error).message)));
    if (!missingTable) throw error;
    executed = new Set();
  }
  return Object.keys(migrations).filter((name) => !executed.has(name));
}
