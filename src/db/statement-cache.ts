import type BetterSqlite3 from 'better-sqlite3';
import type { SqliteDatabase, SqliteStatement } from 'kysely';

/** Distinct SQL texts kept prepared; Larder's queries are a few dozen shapes, imports add some. */
export const SQLITE_STATEMENT_CACHE_SIZE = 256;

/**
 * The better-sqlite3 connection as Kysely's SqliteDialect sees it, with each SQL text
 * prepared once: Kysely calls `prepare` for every query it runs, and preparing (parsing
 * and planning the SQL) cost more than running the hot queries themselves.
 *
 * Reusing a statement is safe here because Kysely runs one query at a time on a SQLite
 * connection (its connection mutex), and a statement being iterated (`stream()`) holds
 * that connection until the iteration ends. SQLite re-prepares a cached statement itself
 * when the schema changes under it (sqlite3_prepare_v2), so migrations need nothing.
 * The least recently used text is dropped beyond `capacity`, bounding memory for queries
 * whose text varies (IN lists of varying length, multi-row inserts).
 */
export function withStatementCache(connection: BetterSqlite3.Database, capacity = SQLITE_STATEMENT_CACHE_SIZE): SqliteDatabase {
  const statements = new Map<string, SqliteStatement>();
  return {
    close: () => connection.close(),
    prepare(sql: string): SqliteStatement {
      let statement = statements.get(sql);
      if (statement) {
        // Map order is insertion order: re-inserting marks it most recently used.
        statements.delete(sql);
      } else {
        statement = connection.prepare(sql) as unknown as SqliteStatement;
        if (statements.size >= capacity) statements.delete(statements.keys().next().value!);
      }
      statements.set(sql, statement);
      return statement;
    },
  };
}
