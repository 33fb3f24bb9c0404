import { accountDataOf } from '../accounts/account-data.js';
import { UserNotFoundError } from '../accounts/errors.js';
import { describeActivity, type Activity } from '../api/activity.js';
import { allHistory, usageByDay } from '../api/usage.js';
import { NUTRIENTS } from '../catalog/nutrients.js';
import type { Db } from '../db/index.js';
import { allDiaryEntries, type DiaryEntry } from '../diary/entries.js';
import { getGoals } from '../diary/goals.js';
import { presentEntry } from '../diary/present.js';
import { connectedAppsOf } from '../oauth/account-data.js';
import { findClients } from '../oauth/clients.js';
import { csvDocument, type CsvValue } from './csv.js';

/** Bumped when the shape of the export changes, so a reader can tell. */
export const EXPORT_VERSION = 1;

/** What the export deliberately leaves out, and why: said in the file itself. */
const NOT_INCLUDED = [
  'Your password: Larder keeps only an argon2id hash of it, which is of no use to you.',
  'Access and refresh tokens, codes and session cookies: Larder keeps only SHA-256 hashes of them.',
  'Rate-limit counters: they are keyed by hashes of an address or email and forgotten within hours.',
];

/**
 * Everything Larder holds about a person, as one JSON document (snake_case keys): the
 * profile, daily goals, every diary entry with the nutrients kept for it, connected apps,
 * the history of what apps did (with its sentence), requests per day, logged-in browsers
 * and pending one-time links. Each module hands over its own part through its functions.
 *
 * @example const data = await exportPersonalData(db, appUrl, user.id); reply.send(JSON.stringify(data, null, 2))
 */
export async function exportPersonalData(db: Db, appUrl: string, userId: string, now = new Date()) {
  const account = await accountDataOf(db, userId);
  if (!account) throw new UserNotFoundError(userId);
  const [goals, entries, apps, history, usage] = await Promise.all([getGoals(db, userId), allDiaryEntries(db, userId), connectedAppsOf(db, userId), allHistory(db, userId), usageByDay(db, userId)]);
  const clientIds = [...new Set([...entries.map((e) => e.clientId).filter((id): id is string => id !== undefined), ...history.map((h) => h.clientId)])];
  const names = new Map([...(await findClients(db, clientIds))].map(([id, client]) => [id, client.name]));
  return {
    format: 'larder-personal-data',
    version: EXPORT_VERSION,
    exported_at: now.toISOString(),
    service: appUrl,
    profile: account.profile,
    goals,
    diary: entries.map((entry) => diaryEntryForExport(entry, names)),
    connected_apps: apps,
    history: history.map((call) => ({
      at: call.at,
      app: { client_id: call.clientId, name: names.get(call.clientId) ?? null },
      what: describeActivity(call),
      method: call.method,
      route: call.route,
      status: call.status,
      activity: (call.activity ?? null) as Activity | null,
    })),
    requests_by_day: usage,
    sessions: account.sessions,
    pending_links: account.pending_links,
    not_included: NOT_INCLUDED,
  };
}

/**
 * An entry as the API presents it with every nutrient kept (for the amount eaten, not per
 * 100 g), its note always there (null when none), and which app logged it.
 */
function diaryEntryForExport(entry: DiaryEntry, names: ReadonlyMap<string, string>) {
  const { note: _note, created_at, ...presented } = presentEntry(entry, 'full');
  return {
    ...presented,
    note: entry.note ?? null,
    logged_by: entry.clientId ? { client_id: entry.clientId, name: names.get(entry.clientId) ?? null } : null,
    created_at,
  };
}

/** The main nutrients, as the diary CSV's columns: "Energy (kcal)", "Protein (g)", … */
const CSV_NUTRIENTS = NUTRIENTS.filter((nutrient) => nutrient.tier === 'main');

/**
 * The diary as CSV, one line per entry (oldest first), for a spreadsheet: day, meal, food,
 * amount, grams, the main nutrients of the amount eaten, the note, and when and by what
 * it was logged.
 */
export async function diaryCsv(db: Db, userId: string): Promise<string> {
  const entries = await allDiaryEntries(db, userId);
  const clientIds = [...new Set(entries.map((e) => e.clientId).filter((id): id is string => id !== undefined))];
  const names = new Map([...(await findClients(db, clientIds))].map(([id, client]) => [id, client.name]));
  const header = ['date', 'meal', 'food', 'food_id', 'amount', 'grams', ...CSV_NUTRIENTS.map((n) => `${n.name} (${n.unit})`), 'note', 'logged_at', 'logged_by'];
  const rows = entries.map((entry): CsvValue[] => [
    entry.date,
    entry.meal,
    entry.foodName,
    entry.foodId,
    entry.amount,
    entry.grams,
    ...CSV_NUTRIENTS.map((n) => entry.nutrients[n.key]),
    entry.note,
    entry.createdAt,
    entry.clientId ? (names.get(entry.clientId) ?? entry.clientId) : 'Larder (web)',
  ]);
  return csvDocument(header, rows);
}
