import { operatorStats, type OperatorStats } from '../ops/stats.js';
import { formatTable, type Command } from './command.js';
import { describeDatabase, withDatabase } from './database.js';

/** Why one line of the overview is empty: Larder keeps no search text (see statsJson). */
const SEARCHES_NOT_RECORDED =
  'not recorded: Larder keeps no search text, since people type names, places and health conditions into a food search; the metric larder_search_duration_seconds counts searches';

const count = (n: number) => n.toLocaleString('en-US');

function statsJson(stats: OperatorStats, database: string): Record<string, unknown> {
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
    searches_without_close_match: null,
    searches_without_close_match_note: SEARCHES_NOT_RECORDED,
  };
}

function statsText(stats: OperatorStats, database: string): string {
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
  lines.push('', `Searches with no close match: ${SEARCHES_NOT_RECORDED}.`);
  return lines.join('\n');
}

export const statsCommands: Command[] = [
  {
    name: 'stats',
    summary: 'Overview for the operator: people by plan, clients and their last use, today\'s requests and quota refusals',
    usage: [
      'Usage: larder stats [--json]',
      '',
      '  --json  print the overview as JSON (snake_case keys)',
      '',
      '"Today" is the UTC day, as the daily quotas count it. Requests are API calls made with a',
      'token (catalog pages and sign-ins are not counted here; /metrics has those).',
    ].join('\n'),
    options: { json: { type: 'boolean' } },
    async run({ values }, context) {
      const database = describeDatabase(context.config().database);
      const stats = await withDatabase(context, (db) => operatorStats(db));
      context.output.out(values.json ? JSON.stringify(statsJson(stats, database), null, 2) : statsText(stats, database));
      return 0;
    },
  },
];
