import { createHash } from 'node:crypto';
import type pg from 'pg';

/** Named statements kept per connection; past this a connection sends the rest unnamed. */
export const NAMED_STATEMENTS_PER_CONNECTION = 200;
/** Longer SQL (multi-row imports) is sent unnamed: it rarely repeats. */
const NAMED_SQL_MAX_LENGTH = 4000;

/** PostgreSQL's "cached plan must not change result type" (a table changed under a prepared statement). */
const FEATURE_NOT_SUPPORTED = '0A000';

const names = new Map<string, string>();
/** Texts sent unnamed on purpose (see {@link sendUnnamed}). */
const unnamed = new Set<string>();

/**
 * Sends `sql` unnamed, so PostgreSQL plans it for each call's values. For a statement whose
 * good plan depends on them (a join against arrays of a varying length): a named statement's
 * plan may become a generic one, made once per connection, possibly while a table was still
 * small, and kept as it grows.
 */
export function sendUnnamed(sql: string): void {
  unnamed.add(sql);
}
const namedOn = new WeakMap<pg.PoolClient, Set<string>>();

function nameFor(sql: string): string {
  let name = names.get(sql);
  if (name === undefined) {
    name = `k${createHash('sha256').update(sql).digest('base64url').slice(0, 22)}`;
    if (names.size >= 4 * NAMED_STATEMENTS_PER_CONNECTION) names.clear();
    names.set(sql, name);
  }
  return name;
}

/**
 * The query for pg as a named prepared statement: PostgreSQL parses and plans each SQL text
 * once per connection and then only binds and executes it, where an unnamed statement is
 * parsed and planned on every call. The name is a hash of the text, so one text always has
 * one name (pg refuses one name for two texts). Each connection names at most
 * {@link NAMED_STATEMENTS_PER_CONNECTION} texts; long ones (imports) go unnamed.
 */
export function namedQuery(client: pg.PoolClient, sql: string, parameters: ReadonlyArray<unknown>): pg.QueryConfig {
  const values = parameters as unknown[];
  if (sql.length > NAMED_SQL_MAX_LENGTH || unnamed.has(sql)) return { text: sql, values };
  let named = namedOn.get(client);
  if (!named) namedOn.set(client, (named = new Set()));
  const name = nameFor(sql);
  if (!named.has(name)) {
    if (named.size >= NAMED_STATEMENTS_PER_CONNECTION) return { text: sql, values };
    named.add(name);
  }
  return { name, text: sql, values };
}

/**
 * Whether a statement failed because its prepared plan went stale (a migration changed a
 * table's columns under a running process): the connection is then discarded, not reused.
 */
export function isStalePreparedStatement(error: unknown): boolean {
  return (error as { code?: unknown } | null)?.code === FEATURE_NOT_SUPPORTED;
}
