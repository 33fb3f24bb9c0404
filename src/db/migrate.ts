import { PostgresAdapter, sql } from 'kysely';
import { Migrator, type Migration, type MigrationProvider, type MigrationResultSet } from 'kysely/migration';
import type { Db } from './index.js';
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
};

const provider: MigrationProvider = { getMigrations: async () => migrations };

export async function migrateToLatest(db: Db): Promise<MigrationResultSet> {
  return migrate(db, (migrator) => migrator.migrateToLatest());
}

/** Migrates up (or down) to the named migration: how tests build a database as an older version left it. */
export async function migrateTo(db: Db, name: string): Promise<MigrationResultSet> {
  if (!(name in migrations)) throw new Error(`No migration is named ${name}`);
  return migrate(db, (migrator) => migrator.migrateTo(name));
}

async function migrate(db: Db, run: (migrator: Migrator) => Promise<MigrationResultSet>): Promise<MigrationResultSet> {
  // On PostgreSQL Kysely looks for its bookkeeping tables in every schema unless told
  // which one; name the current schema so databases confined to a schema stay apart.
  let migrationTableSchema: string | undefined;
  if (db.getExecutor().adapter instanceof PostgresAdapter) {
    const { rows } = await sql<{ schema: string }>`select current_schema() as schema`.execute(db);
    migrationTableSchema = rows[0]?.schema;
  }
  const migrator = new Migrator({ db, provider, ...(migrationTableSchema ? { migrationTableSchema } : {}) });
  const result = await run(migrator);
  if (result.error) {
    const failed = result.results?.find((r) => r.status === 'Error');
    const cause = result.error instanceof Error ? result.error.message : String(result.error);
    throw new Error(`Database migration ${failed?.migrationName ?? ''} failed: ${cause}`, { cause: result.error });
  }
  return result;
}
