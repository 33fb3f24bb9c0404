import { FLUSH_MS, RETENTION_DAYS, topSearchMisses, type SearchMiss } from '../catalog/search-misses.js';
import { operatorStats, type OperatorStats } from '../ops/stats.js';
import { formatTable, type Command } from './command.js';
import { describeDatabase, withDatabase } from './database.js';

/** The window and length of the "searches with no close match" list. */
const MISS_DAYS = 7;
const MISS_LIMIT = 10;

interface Overview extends OperatorStats {
  misses: { since: string; misses: SearchMiss[] };
}

const count = (n: number) => n.toLocaleString('en-US');

function statsJson(stats: Overview, database: string): Record<string, unknown> {
  return {
    generated_at: stats.generatedAt,
    day: stats.day,
    database,
    people: { total: stats.people.total, by_plan: stats.people.byPlan },
    clients: stats.clients.map((c) => ({
      client_id: c.clientId,
      name: c.name,
      public: c.isPublic,
      last_used_at: c.lastUsedAt,
      requests_today: c.requestsToday,
      quota_refusals_today: c.quotaRefusalsToday,
    })),
    requests_today: stats.requestsToday,
    quota_refusals_today: stats.quotaRefusalsToday,
    searches_without_close_match: { days: MISS_DAYS, since: stats.misses.since, top: stats.misses.misses },
  };
}

function statsText(stats: Overview, database: string): string {
  const plans = Object.entries(stats.people.byPlan).map(([plan, n]) => `${plan} ${count(n)}`).join(', ');
  const lines = [
    `Larder on ${database}: today is ${stats.day} (UTC, as quotas count it)`,
    '',
    `People: ${count(stats.people.total)} (${plans})`,
    `API requests today: ${count(stats.requestsToday)}, of which refused for the daily quota: ${count(stats.quotaRefusalsToday)}`,
    '',
  ];
  if (stats.clients.length === 0) lines.push('Clients: none yet (larder clients:create)');
  else {
    lines.push(
      formatTable(
        ['CLIENT', 'CLIENT ID', 'LAST USED (UTC)', 'REQUESTS TODAY', 'QUOTA REFUSALS TODAY'],
        stats.clients.map((c) => [c.name, c.clientId, c.lastUsedAt ? c.lastUsedAt.slice(0, 16).replace('T', ' ') : 'never', count(c.requestsToday), count(c.quotaRefusalsToday)]),
      ),
    );
  }
  lines.push('');
  if (stats.misses.misses.length === 0) lines.push(`Searches with no close match since ${stats.misses.since}: none.`);
  else {
    lines.push(
      `Top searches with no close match since ${stats.misses.since} (UTC; the catalog may lack these foods):`,
      formatTable(['SEARCHES', 'LAST DAY', 'QUERY'], stats.misses.misses.map((m) => [count(m.searches), m.last_day, m.query])),
    );
  }
  return lines.join('\n');
}

export const statsCommands: Command[] = [
  {
    name: 'stats',
    summary: 'Overview for the operator: people by plan, clients and their last use, today\'s requests and quota refusals, searches with no close match',
    usage: [
      'Usage: larder stats [--json]',
      '',
      '  --json  print the overview as JSON (snake_case keys)',
      '',
      '"Today" is the UTC day, as the daily quotas count it. Requests are API calls made with a',
      'token (catalog pages and sign-ins are not counted here; /metrics has those).',
      '',
      `Searches with no close match: the ${MISS_LIMIT} most frequent of the last ${MISS_DAYS} days, from every surface`,
      '(API, MCP, /catalog, /diary), lower-cased and clipped to 60 characters, linked to no person;',
      `servers write them every ${FLUSH_MS / 1000} s and when they stop, and keep ${RETENTION_DAYS} days.`,
    ].join('\n'),
    options: { json: { type: 'boolean' } },
    async run({ values }, context) {
      const database = describeDatabase(context.config().database);
      const stats = await withDatabase(context, async (db): Promise<Overview> => ({ ...(await operatorStats(db)), misses: await topSearchMisses(db, { days: MISS_DAYS, limit: MISS_LIMIT }) }));
      context.output.out(values.json ? JSON.stringify(statsJson(stats, database), null, 2) : statsText(stats, database));
      return 0;
    },
  },
];
