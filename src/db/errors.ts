import { LarderError } from '../errors.js';

/** Whether a write failed on a unique index: PostgreSQL's unique_violation, or SQLite's constraint codes. */
export function isUniqueViolation(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === '23505' || code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
}

/** The server process (pid) of the connection each lost-connection error was met on (postgres-pool.ts). */
const lostBackends = new WeakMap<object, number>();

/** Records that `error` was met on the connection to PostgreSQL server process `pid`. */
export function noteLostBackend(error: unknown, pid: number): void {
  if (error && typeof error === 'object') lostBackends.set(error, pid);
}

/**
 * The server process a statement was running on when its connection was lost (the error
 * it failed with), if known: that process may still be finishing it (a COMMIT cut off on its
 * way back may not have committed yet), which pg_stat_activity tells.
 */
export function backendOfLostConnection(error: unknown): number | undefined {
  return error && typeof error === 'object' ? lostBackends.get(error) : undefined;
}

/** Socket errors on the way to the database server (Node's `error.code`). */
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ECONNABORTED', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);

/**
 * PostgreSQL SQLSTATEs that mean "not now" rather than "not this" (Appendix A of the
 * PostgreSQL manual): class 08 connection exceptions; 57P01-57P03 the server shutting
 * down, crashed or starting up; 57014 a statement cancelled by statement_timeout;
 * 55P03 lock_timeout; 25P03 idle-in-transaction timeout; 53300 too many connections;
 * 40P01 deadlock_detected and 40001 serialization_failure (the transaction chosen to lose a
 * conflict with another: the same request would pass a moment later).
 */
const UNAVAILABLE_SQLSTATES = /^(08...|57P0[123]|57014|55P03|25P03|53300|40P01|40001)$/;

/**
 * node-postgres and pg-pool report a lost, refused or timed-out connection as a plain
 * Error with one of these messages and no code.
 */
const UNAVAILABLE_MESSAGES =
  /^(Connection terminated( unexpectedly| due to connection timeout)?|timeout exceeded when trying to connect|Query read timeout|Client has encountered a connection error and is not queryable|Client was closed and is not queryable)$/;

/** SQLite: another connection holds the lock past busy_timeout (SQLITE_BUSY, SQLITE_BUSY_SNAPSHOT, SQLITE_LOCKED, ...). */
const SQLITE_UNAVAILABLE = /^SQLITE_(BUSY|LOCKED)(_[A-Z]+)?$/;

/**
 * Whether `error` is the database being unreachable, down, restarting, hung or locked:
 * a failure of the moment that the same request would not meet a little later. This is
 * the one place that knows the drivers' ways of saying so; callers answer 503 with
 * Retry-After instead of 500 (RFC 9110 section 15.6.4).
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  for (let current = error, depth = 0; current && typeof current === 'object' && depth < 5; depth++) {
    const { code, message, errors } = current as { code?: unknown; message?: unknown; errors?: unknown };
    if (typeof code === 'string' && (NETWORK_CODES.has(code) || UNAVAILABLE_SQLSTATES.test(code) || SQLITE_UNAVAILABLE.test(code))) return true;
    if (typeof message === 'string' && UNAVAILABLE_MESSAGES.test(message)) return true;
    // Node reports a refused connection to a host with several addresses as an AggregateError.
    if (Array.isArray(errors) && errors.some((inner) => isDatabaseUnavailable(inner))) return true;
    current = (current as { cause?: unknown }).cause;
  }
  return false;
}

/** Seconds a client is asked to wait (Retry-After) when the database is unavailable. */
export const DATABASE_RETRY_AFTER_SECONDS = 5;

/** The database is down, restarting, hung or locked: 503 with Retry-After, never a 500. */
export class DatabaseUnavailableError extends LarderError {
  constructor(cause?: unknown) {
    super(
      'database_unavailable',
      503,
      'Larder cannot reach its database at the moment; please try again in a few seconds.',
      { 'retry-after': String(DATABASE_RETRY_AFTER_SECONDS) },
    );
    if (cause !== undefined) this.cause = cause;
  }
}
