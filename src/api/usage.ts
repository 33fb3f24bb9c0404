import type { Db } from '../db/index.js';
import { parseActivity, serializeActivity, type Activity } from './activity.js';
import { preparedQuery } from '../db/prepared-query.js';

/** What buffers this process's history for a database (the UsageLedger), so readers can flush it first. */
const buffers = new WeakMap<Db, { flush(): Promise<void> }>();

export function registerUsageBuffer(db: Db, buffer: { flush(): Promise<void> }): void {
  buffers.set(db, buffer);
}

/** Writes this process's buffered history for `db`, if it has any: its own last requests are then readable. */
export async function flushUsageOf(db: Db): Promise<void> {
  await buffers.get(db)?.flush();
}

/** One API request as recorded for history and usage; the token itself is never stored. */
export interface ApiRequestRecord {
  userId: string;
  clientId: string;
  grantId: string | undefined;
  method: string;
  /** The route pattern (`/api/foods/:id`), not the URL, so no query text is kept. */
  route: string;
  status: number;
  durationMs: number;
  at: Date;
  /** What the call did, for the person's history (activity.ts): written by the operation. */
  activity?: Activity;
}

/** Writes answered requests' records (UsageLedger buffers them and writes them in batches). */
export async function insertApiRequests(db: Db, records: readonly ApiRequestRecord[]): Promise<void> {
  let at = 0;
  while (at < records.length) {
    // The largest prepared size that fits what is left: 64, 8 or 1 rows a statement.
    const size = INSERT_SIZES.find((n) => n <= records.length - at)!;
    const values: unknown[] = [];
    for (const record of records.slice(at, at + size)) {
      values.push(record.userId, record.clientId, record.grantId ?? null, record.method, record.route.slice(0, 200), record.status, Math.max(0, Math.round(record.durationMs)), record.at.getTime(), serializeActivity(record.activity));
    }
    await insertRows(size)(db, ...values);
    at += size;
  }
}

/**
 * Multi-row inserts of a few fixed sizes, each built and compiled once (prepared-query.ts):
 * a batch of history is written in a handful of statements whose SQL never changes, where
 * building a 75-row insert with Kysely on every flush cost more than writing it.
 */
const INSERT_SIZES = [64, 8, 1] as const;
const COLUMNS = 9;
const inserts = new Map<number, (db: Db, ...values: unknown[]) => Promise<unknown>>();

function insertRows(size: number): (db: Db, ...values: unknown[]) => Promise<unknown> {
  let insert = inserts.get(size);
  if (!insert) {
    insert = preparedQuery<unknown, unknown[]>((db, ...slots) =>
      db.insertInto('api_requests').values(
        Array.from({ length: size }, (_, row) => {
          const [user_id, client_id, grant_id, method, route, status, duration_ms, created_at, activity] = slots.slice(row * COLUMNS, row * COLUMNS + COLUMNS);
          return { user_id, client_id, grant_id, method, route, status, duration_ms, created_at, activity } as never;
        }),
      ),
    );
    inserts.set(size, insert);
  }
  return insert;
}

/** Start of the UTC day holding `now`, and of the next one: quotas reset at midnight UTC. */
export function utcDay(now: Date): { start: number; end: number } {
  const start = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  return { start, end: start + 24 * 60 * 60 * 1000 };
}

/** The UTC day holding `now` as the per-day counter names it (YYYY-MM-DD). */
export function utcDayKey(now: Date): string {
  return new Date(utcDay(now).start).toISOString().slice(0, 10);
}

/**
 * Requests counted against today's quota (refused ones, 429, do not count), including
 * what running processes have claimed for it and not used yet (see UsageLedger).
 */
export async function countRequestsToday(db: Db, userId: string, now = new Date()): Promise<number> {
  const day = utcDayKey(now);
  const row = await db.selectFrom('api_usage_daily').select('requests').where('user_id', '=', userId).where('day', '=', day).executeTakeFirst();
  return Number(row?.requests ?? 0);
}

export interface HistoryEntry {
  clientId: string;
  method: string;
  route: string;
  status: number;
  at: string;
  activity: Activity | undefined;
}

/** One `api_requests` row as the history shows it. */
function historyEntry(r: { client_id: string; method: string; route: string; status: number | string; created_at: number | string; activity: string | null }): HistoryEntry {
  return {
    clientId: r.client_id,
    method: r.method,
    route: r.route,
    status: Number(r.status),
    at: new Date(Number(r.created_at)).toISOString(),
    activity: parseActivity(r.activity),
  };
}

export async function recentHistory(db: Db, userId: string, limit = 20): Promise<HistoryEntry[]> {
  // This process's own last requests are in the history it shows (they may still be buffered).
  await flushUsageOf(db);
  const rows = await db
    .selectFrom('api_requests')
    .select(['client_id', 'method', 'route', 'status', 'created_at', 'activity'])
    .where('user_id', '=', userId)
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(limit)
    .execute();
  return rows.map(historyEntry);
}

/** When each grant was last used, by grant id (epoch ms). */
export async function lastUsedByGrant(db: Db, grantIds: string[]): Promise<Map<string, number>> {
  if (grantIds.length === 0) return new Map();
  await flushUsageOf(db);
  const rows = await db
    .selectFrom('api_requests')
    .select(['grant_id', (eb) => eb.fn.max('created_at').as('last')])
    .where('grant_id', 'in', grantIds)
    .groupBy('grant_id')
    .execute();
  return new Map(rows.filter((r) => r.grant_id !== null).map((r) => [r.grant_id as string, Number(r.last)]));
}

/** Every API request of a person, oldest first, for their export (this process's last ones included). */
export async function allHistory(db: Db, userId: string): Promise<HistoryEntry[]> {
  await flushUsageOf(db);
  const rows = await db
    .selectFrom('api_requests')
    .select(['client_id', 'method', 'route', 'status', 'created_at', 'activity'])
    .where('user_id', '=', userId)
    .orderBy('created_at')
    .orderBy('id')
    .execute();
  return rows.map(historyEntry);
}

/** Requests counted per UTC day, for the person's export. */
export async function usageByDay(db: Db, userId: string): Promise<Array<{ day: string; requests: number }>> {
  await flushUsageOf(db);
  const rows = await db.selectFrom('api_usage_daily').select(['day', 'requests']).where('user_id', '=', userId).orderBy('day').execute();
  return rows.map((r) => ({ day: r.day, requests: Number(r.requests) }));
}

/**
 * Deletes a person's history and usage counts (account deletion). This process's buffered
 * records are written first, so none of them lands after the deletion; what other
 * instances still write is removed by their ledgers once they hear the account is gone
 * (usage-ledger.ts). Returns the history rows removed.
 */
export async function deleteUsageOf(db: Db, userId: string): Promise<number> {
  await flushUsageOf(db);
  return db.transaction().execute((trx) => deleteUsageRows(trx, userId));
}

/** The rows of deleteUsageOf, inside the caller's transaction. */
export async function deleteUsageRows(trx: Db, userId: string): Promise<number> {
  const result = await trx.deleteFrom('api_requests').where('user_id', '=', userId).executeTakeFirst();
  await trx.deleteFrom('api_usage_daily').where('user_id', '=', userId).execute();
  return Number(result.numDeletedRows);
}
