import { PostgresAdapter, sql } from 'kysely';
import type { Db } from './index.js';

/**
 * A transaction that reads before it writes and must not lose the race to another process
 * between the two. On SQLite it begins IMMEDIATE, taking the write lock first (waiting
 * busy_timeout for it): a deferred one that read first would be refused its write
 * (SQLITE_BUSY_SNAPSHOT, which no wait cures) had another process written since its read.
 * On PostgreSQL it is Kysely's transaction (its reads lock what they need themselves).
 */
export async function writeTransaction<T>(db: Db, work: (trx: Db) => Promise<T>): Promise<T> {
  if (db.getExecutor().adapter instanceof PostgresAdapter) return db.transaction().execute(work);
  return db.connection().execute(async (connection) => {
    await sql.raw('begin immediate').execute(connection);
    try {
      const result = await work(connection);
      await sql.raw('commit').execute(connection);
      return result;
    } catch (error) {
      // After a failed statement, or a COMMIT refused (SQLITE_BUSY), which leaves the transaction open.
      await sql.raw('rollback').execute(connection).catch(() => undefined);
      throw error;
    }
  });
}
