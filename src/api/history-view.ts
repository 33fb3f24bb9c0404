import { formatDateTime, todayIn } from '../accounts/time-zone.js';
import { describeActivity } from './activity.js';
import type { HistoryEntry } from './usage.js';

export interface HistoryLine {
  /** ISO 8601, for `<time datetime>`. */
  at: string;
  /** In the person's zone: "1 Dec 2026, 14:03 CET". */
  when: string;
  /** "Searched 'banana'", "Logged Bananas, raw, 118 g at breakfast". */
  what: string;
  clientName: string;
  failed: boolean;
}

/**
 * "Recent activity" as the person reads it: what each app did, named (the food, the
 * amount, the meal, the words searched), at times in their own time zone.
 */
export function historyView(entries: readonly HistoryEntry[], clientNames: ReadonlyMap<string, string>, timeZone: string): { lines: HistoryLine[]; timeZone: string } {
  return {
    timeZone,
    lines: entries.map((entry) => ({
      at: entry.at,
      when: formatDateTime(entry.at, timeZone),
      what: describeActivity(entry, todayIn(timeZone, new Date(entry.at))),
      clientName: clientNames.get(entry.clientId) ?? 'an app that was removed',
      failed: entry.status >= 400,
    })),
  };
}
