import { mkdirSync } from 'node:fs';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect, sql } from 'kysely';
import type pg from 'pg';
import type { DatabaseConfig } from '../config.js';
import type { DatabaseLog, DatabaseTimeouts } from './postgres-pool.js';
import type { Database } from './schema.js';
import { registerSqliteConnection, withStatementCache } from './statement-cache.js';

export type { Database } from './schema.js';
export type Db = Kysely<Database>;

export interface OpenedDatabase {
  db: Db;
  dialect: 'sqlite' | 'postgres';
  /** PostgreSQL's connection pool, for metrics (src/ops/metrics.ts); SQLite has one connection. */
  pool?: pg.Pool;
  close(): Promise<void>;
}

export interface OpenDatabaseOptions {
  /** The server's bounds on waiting for the database (config.databaseTimeouts); the CLI waits as long as it takes. */
  timeouts?: DatabaseTimeouts;
  log?: DatabaseLog;
}

/**
 * Opens the database named by the configuration. SQLite runs in WAL mode so the CLI
 * can import while a server reads; PostgreSQL may be confined to one schema
 * (`?schema=name` on DATABASE_URL), which is created when missing.
 */
export async function openDatabase(config: DatabaseConfig, options: OpenDatabaseOptions = {}): Promise<OpenedDatabase> {
  const { timeouts, log } = options;
  if (config.kind === 'sqlite') {
    if (config.file !== ':memory:') mkdirSync(path.dirname(config.file), { recursive: true });
    const connection = new SQLite(config.file);
    connection.pragma('journal_mode = WAL');
    connection.pragma('synchronous = NORMAL');
    connection.pragma('foreign_keys = ON');
    // How long a write waits for another writer's lock (the CLI importing) before SQLITE_BUSY.
    connection.pragma(`busy_timeout = ${timeouts?.connectMs ?? 5000}`);
    const cached = withStatementCache(connection);
    const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: cached }) });
    registerSqliteConnection(db, cached);
    return { db, dialect: 'sqlite', close: () => db.destroy() };
  }

  // pg and the pool's code are loaded only here: a SQLite start never needs them (about 30 ms).
  const [{ default: pgModule }, { createPostgresPool }] = await Promise.all([import('pg'), import('./postgres-pool.js')]);
  const url = new URL(config.url);
  url.searchParams.delete('schema');
  if (config.schema !== undefined) {
    // Create the schema with a short-lived connection before the pool pins search_path to it.
    const client = new pgModule.Client({ connectionString: url.href, connectionTimeoutMillis: timeouts?.connectMs ?? 0 });
    client.on('error', () => undefined); // a failure surfaces from the query below
    await client.connect();
    try {
      await client.query(`CREATE SCHEMA IF NOT EXISTS "${config.schema}"`);
    } finally {
      await client.end();
    }
  }
  const { pool, forKysely } = createPostgresPool({
    connectionString: url.href,
    ...(config.schema !== undefined ? { settings: { search_path: config.schema } } : {}),
    timeouts,
    log,
  });
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool: forKysely }) });
  await sql`select 1`.execute(db);
  return { db, dialect: 'postgres', pool, close: () => db.destroy() };
}
