import type { PostgresPool, PostgresPoolClient, PostgresQueryResult } from 'kysely';
import pg from 'pg';
import { isDatabaseUnavailable, noteLostBackend } from './errors.js';
import { isStalePreparedStatement, namedQuery } from './named-statements.js';

export interface DatabaseTimeouts {
  /** A new connection, or a free one from a busy pool (pg-pool's one `connectionTimeoutMillis` bounds both). */
  connectMs: number;
  /** One statement: PostgreSQL's statement_timeout, and a second more on the client side. */
  statementMs: number;
}

/** What the pool reports a lost idle connection to; pino's logger fits. */
export interface DatabaseLog {
  warn(details: object, message: string): void;
}

export interface PostgresPoolOptions {
  connectionString: string;
  /** `-c name=value` settings sent at connection start (search_path). */
  settings?: Record<string, string>;
  timeouts?: DatabaseTimeouts;
  log?: DatabaseLog;
  max?: number;
}

/** Kysely's ROLLBACK, as its PostgreSQL driver sends it. */
const ROLLBACK = /^\s*rollback\s*;?\s*$/i;

/**
 * A pg pool (`pool`, for metrics) and the face of it Kysely uses (`forKysely`) that
 * outlive their database: restarts, dropped connections and a server that stops
 * answering become errors of the requests that meet them, never a crash, and the pool
 * reconnects by itself once the server is back.
 *
 * - pg-pool emits `error` on the pool for a connection that dies while idle, and pg emits
 *   `error` on a checked-out client whose socket dies; an EventEmitter with no listener
 *   throws, which ends the process. Both get listeners.
 * - A statement cut short by the client-side read timeout leaves its connection waiting
 *   for an answer that may still come; such a connection is destroyed on release rather
 *   than handed to the next request.
 */
export function createPostgresPool(options: PostgresPoolOptions): { pool: pg.Pool; forKysely: PostgresPool } {
  const { timeouts, log } = options;
  const settings = Object.entries(options.settings ?? {}).map(([name, value]) => `-c ${name}=${value}`);
  const pool = new pg.Pool({
    connectionString: options.connectionString,
    max: options.max ?? 10,
    // TCP keep-alive notices a peer that vanished (failover, cable) on idle connections.
    keepAlive: true,
    ...(settings.length > 0 ? { options: settings.join(' ') } : {}),
    ...(timeouts
      ? {
          connectionTimeoutMillis: timeouts.connectMs,
          statement_timeout: timeouts.statementMs,
          // The server enforces statement_timeout; this bounds a server that hangs instead.
          query_timeout: timeouts.statementMs + 1000,
        }
      : {}),
  });
  pool.on('error', (error: Error) => {
    log?.warn({ err: { message: error.message, code: (error as { code?: unknown }).code } }, 'database connection lost while idle; it is replaced on the next request');
  });
  pool.on('connect', (client: pg.PoolClient) => {
    // The statement running on this client fails with the same error, and its request is
    // answered (503); pg-pool drops the client when it is released, since it is no longer queryable.
    client.on('error', () => undefined);
  });

  const forKysely: PostgresPool = {
    options: pool.options,
    end: () => pool.end(),
    async connect(): Promise<PostgresPoolClient> {
      const client = await pool.connect();
      let broken: Error | undefined;
      const query = async <R>(sql: string, parameters: ReadonlyArray<unknown>): Promise<PostgresQueryResult<R>> => {
        // A transaction on a connection already lost or condemned ends with the connection,
        // which is discarded on release: Kysely's ROLLBACK after the failure could only fail
        // again ("not queryable") and would replace the error that says what happened.
        if (broken && ROLLBACK.test(sql)) return { command: 'ROLLBACK', rowCount: 0, rows: [] } as unknown as PostgresQueryResult<R>;
        try {
          // Prepared once per connection (named-statements.ts).
          return (await client.query(namedQuery(client, sql, parameters))) as unknown as PostgresQueryResult<R>;
        } catch (error) {
          if (isDatabaseUnavailable(error)) {
            broken = error as Error;
            // Which server process it was: one cut off mid-COMMIT may still be committing (token-writes.ts).
            const pid = (client as { processID?: unknown }).processID;
            if (typeof pid === 'number') noteLostBackend(error, pid);
          } else if (isStalePreparedStatement(error)) {
            broken = error as Error;
          }
          throw error;
        }
      };
      return {
        // Undocumented in pg's types; Kysely reads it to cancel an aborted query.
        processID: (client as { processID?: number }).processID,
        query,
        release(destroy?: boolean) {
          client.release(broken ?? (destroy ? true : undefined));
        },
      } as PostgresPoolClient;
    },
  };
  return { pool, forKysely };
}
