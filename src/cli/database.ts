import path from 'node:path';
import type { DatabaseConfig } from '../config.js';
import { openDatabase, type Db } from '../db/index.js';
import { migrateToLatest } from '../db/migrate.js';
import { LarderError } from '../errors.js';
import type { CommandContext } from './command.js';

/**
 * Something a command looked for is not in the database it opened. The CLI names that
 * database, since the usual cause is a CLI run with another DATABASE_URL than the server.
 */
export class NothingFoundError extends Error {
  constructor(
    message: string,
    /** What to try next, printed after the database's name. */
    readonly hint?: string,
  ) {
    super(message);
    this.name = 'NothingFoundError';
  }
}

/**
 * The database a configuration names, for people: `SQLite ./storage/larder.db`,
 * `PostgreSQL larder@db.internal:5432/larder (schema larder)`. Never the password.
 */
export function describeDatabase(database: DatabaseConfig, cwd = process.cwd()): string {
  if (database.kind === 'sqlite') {
    if (database.file === ':memory:') return 'SQLite :memory:';
    const relative = path.relative(cwd, database.file);
    const shown = relative && !relative.startsWith('..') && !path.isAbsolute(relative) ? `./${relative}` : database.file;
    return `SQLite ${shown}`;
  }
  const url = URL.parse(database.url);
  if (!url) return 'PostgreSQL';
  const user = url.username ? `${decodeURIComponent(url.username)}@` : '';
  const name = url.pathname.replace(/^\//, '') || '(default database)';
  return `PostgreSQL ${user}${url.hostname}:${url.port || '5432'}/${name}${database.schema ? ` (schema ${database.schema})` : ''}`;
}

/** "… in SQLite ./storage/larder.db: is the server on another DATABASE_URL?" */
export function notFoundMessage(what: string, database: DatabaseConfig, hint?: string): string {
  return `${what.replace(/\.$/, '')} in ${describeDatabase(database)}: is the server on another DATABASE_URL?${hint ? ` ${hint}` : ''}`;
}

/**
 * Opens and migrates the configured database for one command, then closes it. A "not
 * found" from the work (NothingFoundError, or a module's 404 error) is re-thrown naming
 * the database that was searched.
 */
export async function withDatabase<T>(context: CommandContext, work: (db: Db) => Promise<T>): Promise<T> {
  const config = context.config().database;
  const database = await openDatabase(config);
  try {
    await migrateToLatest(database.db);
    return await work(database.db);
  } catch (error) {
    if (error instanceof NothingFoundError) throw new Error(notFoundMessage(error.message, config, error.hint), { cause: error });
    if (error instanceof LarderError && error.status === 404) throw new Error(notFoundMessage(error.message, config), { cause: error });
    throw error;
  } finally {
    await database.close();
  }
}

/** A repeatable string option as a list (parseArgs gives a string[] with `multiple: true`). */
export function stringList(value: unknown): string[] {
  if (Array.isArray(value)) return value.filter((v): v is string => typeof v === 'string');
  return typeof value === 'string' ? [value] : [];
}
