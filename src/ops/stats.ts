import { listUsers, PLANS, type Plan } from '../accounts/users.js';
import { utcDay } from '../api/usage.js';
import type { Db } from '../db/index.js';
import { listClients } from '../oauth/clients.js';

/** One client as the operator overview shows it. */
export interface ClientStats {
  clientId: string;
  name: string;
  isPublic: boolean;
  /** The last API request made with one of its tokens (ISO 8601), or null if never. */
  lastUsedAt: string | null;
  requestsToday: number;
  quotaRefusalsToday: number;
}

/** What `larder stats` reports: people, clients and today's use (today is the UTC day, as quotas count it). */
export interface OperatorStats {
  generatedAt: string;
  /** The UTC day "today" means, YYYY-MM-DD. */
  day: string;
  people: { total: number; byPlan: Record<Plan, number> };
  clients: ClientStats[];
  requestsToday: number;
  quotaRefusalsToday: number;
}

/** HTTP status of a request refused for the daily quota (api/bearer.ts, QuotaExceededError). */
const QUOTA_REFUSED = 429;

/**
 * The operator's overview. People and clients come from their modules' functions; the
 * API request counts read the `api_requests` history (read-only, grouped by client), as
 * the usage module records it: one row per answered API call, never its query text.
 */
export async function operatorStats(db: Db, now = new Date()): Promise<OperatorStats> {
  const { start } = utcDay(now);
  const [users, clients, today, lastUse] = await Promise.all([
    listUsers(db),
    listClients(db),
    db
      .selectFrom('api_requests')
      .select((eb) => ['client_id', eb.fn.countAll().as('requests'), eb.fn.sum(eb.case().when('status', '=', QUOTA_REFUSED).then(1).else(0).end()).as('refused')])
      .where('created_at', '>=', start)
      .groupBy('client_id')
      .execute(),
    db
      .selectFrom('api_requests')
      .select((eb) => ['client_id', eb.fn.max('created_at').as('last')])
      .groupBy('client_id')
      .execute(),
  ]);
  const byPlan = Object.fromEntries(PLANS.map((plan) => [plan, 0])) as Record<Plan, number>;
  for (const user of users) byPlan[user.plan] = (byPlan[user.plan] ?? 0) + 1;
  const todayByClient = new Map(today.map((row) => [row.client_id, { requests: Number(row.requests), refused: Number(row.refused ?? 0) }]));
  const lastByClient = new Map(lastUse.map((row) => [row.client_id, Number(row.last)]));
  const clientStats = clients.map((client): ClientStats => {
    const last = lastByClient.get(client.clientId);
    const counts = todayByClient.get(client.clientId);
    return {
      clientId: client.clientId,
      name: client.name,
      isPublic: client.isPublic,
      lastUsedAt: last === undefined ? null : new Date(last).toISOString(),
      requestsToday: counts?.requests ?? 0,
      quotaRefusalsToday: counts?.refused ?? 0,
    };
  });
  // Requests made by clients deleted since: counted, and listed as such.
  const known = new Set(clients.map((client) => client.clientId));
  for (const [clientId, last] of lastByClient) {
    if (known.has(clientId)) continue;
    const counts = todayByClient.get(clientId);
    clientStats.push({ clientId, name: '(deleted client)', isPublic: false, lastUsedAt: new Date(last).toISOString(), requestsToday: counts?.requests ?? 0, quotaRefusalsToday: counts?.refused ?? 0 });
  }
  // Busiest first today, then the most recently used.
  clientStats.sort((a, b) => b.requestsToday - a.requestsToday || (b.lastUsedAt ?? '').localeCompare(a.lastUsedAt ?? '') || a.name.localeCompare(b.name));
  return {
    generatedAt: now.toISOString(),
    day: new Date(start).toISOString().slice(0, 10),
    people: { total: users.length, byPlan },
    clients: clientStats,
    requestsToday: today.reduce((sum, row) => sum + Number(row.requests), 0),
    quotaRefusalsToday: today.reduce((sum, row) => sum + Number(row.refused ?? 0), 0),
  };
}
