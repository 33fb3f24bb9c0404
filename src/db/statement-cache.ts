import type BetterSqlite3 from 'better-sqlite3';
import type { Kysely, QueryResult, SqliteDatabase, SqliteStatement } from 'kysely';

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
export function withStatementCache(connection: BetterSqlite3.Database, capacity = SQLITE_STATEMENT_CACHE_SIZE): CachedSqliteDatabase {
  const statements = new Map<string, SqliteStatement>();
  return {
    get inTransaction() {
      return connection.inTransaction;
    },
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

/** The connection under Kysely with its statement cache, and whether a transaction is open on it. */
export interface CachedSqliteDatabase extends SqliteDatabase {
  readonly inTransaction: boolean;
}

/** The SQLite connection behind each Kysely instance opened by openDatabase. */
const connections = new WeakMap<object, CachedSqliteDatabase>();

/** Records `connection` as the one under `db`, for {@link runOnSqliteDirectly}. */
export function registerSqliteConnection(db: Kysely<never> | object, connection: CachedSqliteDatabase): void {
  connections.set(db, connection);
}

/** The SQLite connection (with its statement cache) under a database opened by openDatabase; undefined otherwise. */
export function sqliteConnectionOf(db: object): CachedSqliteDatabase | undefined {
  return connections.get(db);
}

/**
 * Runs one compiled statement on the SQLite connection under `db` as Kysely's own driver
 * would (same statement cache, same result shape), without its connection hand-off: the
 * promise, mutex and query pipeline Kysely puts around every statement cost as much as a
 * point lookup itself. Returns undefined when it cannot, and the caller goes through Kysely:
 * `db` is not a SQLite database opened here (PostgreSQL, or a transaction's handle), or a
 * transaction is open on the connection (the statement must then wait for it, as Kysely's
 * mutex makes it: run now, it would become part of someone else's transaction), or an
 * iteration holds the connection (better-sqlite3 refuses other statements meanwhile).
 * Outside a transaction every statement is its own autocommit, so running it now rather
 * than after the queries waiting on Kysely's mutex changes nothing any of them sees.
 */
export function runOnSqliteDirectly<Row>(db: object, sql: string, parameters: readonly unknown[]): QueryResult<Row> | undefined {
  const connection = connections.get(db);
  if (!connection || connection.inTransaction) return undefined;
  let statement: SqliteStatement;
  try {
    statement = connection.prepare(sql);
    if (statement.reader) return { rows: statement.all(parameters) as Row[] };
    const { changes, lastInsertRowid } = statement.run(parameters);
    return {
      insertId: lastInsertRowid != null ? BigInt(lastInsertRowid) : undefined,
      numAffectedRows: changes != null ? BigInt(changes) : undefined,
      rows: [],
    };
  } catch (error) {
    // better-sqlite3: "This database connection is busy executing a query" (an open iterator).
    if (error instanceof TypeError && /busy/i.test(error.message)) return undefined;
    throw error;
  }
}
