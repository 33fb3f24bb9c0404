import type { Db } from '../db/index.js';
import { parseActivity, serializeActivity, type Activity } from './activity.js';

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

export async function recordApiRequest(db: Db, record: ApiRequestRecord): Promise<void> {
  // Refused requests (429) do not count against the quota.
  if (record.status !== 429) {
    const day = new Date(utcDay(record.at).start).toISOString().slice(0, 10);
    await db
      .insertInto('api_usage_daily')
      .values({ user_id: record.userId, day, requests: 1 })
      .onConflict((oc) => oc.columns(['user_id', 'day']).doUpdateSet((eb) => ({ requests: eb('api_usage_daily.requests', '+', 1) })))
      .execute();
  }
  await db
    .insertInto('api_requests')
    .values({
      user_id: record.userId,
      client_id: record.clientId,
      grant_id: record.grantId ?? null,
      method: record.method,
      route: record.route.slice(0, 200),
      status: record.status,
      duration_ms: Math.max(0, Math.round(record.durationMs)),
      created_at: record.at.getTime(),
      activity: serializeActivity(record.activity),
    })
    .execute();
}

/** Start of the UTC day holding `now`, and of the next one: quotas reset at midnight UTC. */
export function utcDay(now: Date): { start: number; end: number } {
  const start = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  return { start, end: start + 24 * 60 * 60 * 1000 };
}

/** Requests counted against today's quota (refused ones, 429, do not count). */
export async function countRequestsToday(db: Db, userId: string, now = new Date()): Promise<number> {
  const day = new Date(utcDay(now).start).toISOString().slice(0, 10);
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

export async function recentHistory(db: Db, userId: string, limit = 20): Promise<HistoryEntry[]> {
  const rows = await db
    .selectFrom('api_requests')
    .select(['client_id', 'method', 'route', 'status', 'created_at', 'activity'])
    .where('user_id', '=', userId)
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(limit)
    .execute();
  return rows.map((r) => ({
    clientId: r.client_id,
    method: r.method,
    route: r.route,
    status: Number(r.status),
    at: new Date(Number(r.created_at)).toISOString(),
    activity: parseActivity(r.activity),
  }));
}

/** When each grant was last used, by grant id (epoch ms). */
export async function lastUsedByGrant(db: Db, grantIds: string[]): Promise<Map<string, number>> {
  if (grantIds.length === 0) return new Map();
  const rows = await db
    .selectFrom('api_requests')
    .select(['grant_id', (eb) => eb.fn.max('created_at').as('last')])
    .where('grant_id', 'in', grantIds)
    .groupBy('grant_id')
    .execute();
  return new Map(rows.filter((r) => r.grant_id !== null).map((r) => [r.grant_id as string, Number(r.last)]));
}

/** Every API request of a person, oldest first, for their export. */
export async function allHistory(db: Db, userId: string): Promise<HistoryEntry[]> {
  const rows = await db
    .selectFrom('api_requests')
    .select(['client_id', 'method', 'route', 'status', 'created_at', 'activity'])
    .where('user_id', '=', userId)
    .orderBy('created_at')
    .orderBy('id')
    .execute();
  return rows.map((r) => ({
    clientId: r.client_id,
    method: r.method,
    route: r.route,
    status: Number(r.status),
    at: new Date(Number(r.created_at)).toISOString(),
    activity: parseActivity(r.activity),
  }));
}

/** Requests counted per UTC day, for the person's export. */
export async function usageByDay(db: Db, userId: string): Promise<Array<{ day: string; requests: number }>> {
  const rows = await db.selectFrom('api_usage_daily').select(['day', 'requests']).where('user_id', '=', userId).orderBy('day').execute();
  return rows.map((r) => ({ day: r.day, requests: Number(r.requests) }));
}

/** Deletes a person's history and usage counts (account deletion). Returns the history rows removed. */
export async function deleteUsageOf(db: Db, userId: string): Promise<number> {
  const result = await db.deleteFrom('api_requests').where('user_id', '=', userId).executeTakeFirst();
  await db.deleteFrom('api_usage_daily').where('user_id', '=', userId).execute();
  return Number(result.numDeletedRows);
}
