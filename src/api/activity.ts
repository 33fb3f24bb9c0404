import type { OperationId } from './operation.js';
import { OPERATION_IDS } from './operation.js';

/**
 * What one answered call did, as the person's "Recent activity" tells it: the operation
 * and the few facts that name what happened (the food, the amount, the meal, the day, the
 * words searched). Each operation writes its own (`Operation.activity`); it is stored as a
 * field of the usage record (api_requests.activity) and shown only to the person, in their
 * export, and deleted with their account. Never a token, a URL or a query string.
 */
export interface Activity {
  op: OperationId;
  /** searchFoods: the words searched, clipped, with anything that looks like a secret masked. */
  query?: string;
  /** searchFoods: how many foods came back. */
  matches?: number;
  /** searchFoods: false when the first result was not the food asked for. */
  close_match?: boolean;
  /** The food read, logged or deleted, by the name it had then. */
  food?: string;
  /** As logged: "118 g", "1 medium (118 g)". */
  amount?: string;
  meal?: string;
  /** The diary day, YYYY-MM-DD. */
  date?: string;
}

/** How much of a search the history keeps: enough to recognise it, not a transcript. */
export const SEARCH_TEXT_MAX = 60;
const FIELD_MAX = 120;

/**
 * Words that look like credentials (a long unbroken run of letters, digits and token
 * punctuation with digits in it, as access tokens, keys and codes are) are never kept,
 * even if an assistant pasted one into a search.
 */
const SECRET_LOOKING = /[A-Za-z0-9_\-+/=.~]{20,}/g;

/** The words of a search as history keeps them: trimmed, clipped, secrets masked. */
export function searchTextForHistory(query: string): string {
  // Assistants repeat their searches: the last few hundred are kept as they were worked out.
  const known = keptSearchTexts.get(query);
  if (known !== undefined) return known;
  const text = maskedSearchText(query);
  if (keptSearchTexts.size >= KEPT_SEARCH_TEXTS) keptSearchTexts.delete(keptSearchTexts.keys().next().value!);
  keptSearchTexts.set(query, text);
  return text;
}

const KEPT_SEARCH_TEXTS = 512;
const keptSearchTexts = new Map<string, string>();

function maskedSearchText(query: string): string {
  const masked = query
    .trim()
    .replace(/\s+/g, ' ')
    .replace(SECRET_LOOKING, (word) => (/\d/.test(word) ? '…' : word));
  return masked.length > SEARCH_TEXT_MAX ? `${masked.slice(0, SEARCH_TEXT_MAX - 1)}…` : masked;
}

function clipped(value: unknown): string | undefined {
  if (typeof value !== 'string' || value === '') return undefined;
  return value.length > FIELD_MAX ? `${value.slice(0, FIELD_MAX - 1)}…` : value;
}

/** The stored form: JSON with known fields only, each clipped. */
export function serializeActivity(activity: Activity | undefined): string | null {
  if (!activity) return null;
  if (onlyOp(activity)) return (opOnlyJson[activity.op] ??= JSON.stringify({ op: activity.op }));
  const stored: Activity = { op: activity.op };
  if (activity.query !== undefined) stored.query = searchTextForHistory(activity.query);
  if (typeof activity.matches === 'number' && Number.isFinite(activity.matches)) stored.matches = activity.matches;
  if (activity.close_match === false) stored.close_match = false;
  for (const key of ['food', 'amount', 'meal', 'date'] as const) {
    const value = clipped(activity[key]);
    if (value !== undefined) stored[key] = value;
  }
  return JSON.stringify(stored);
}

/** An activity that names its operation and nothing else (reading your profile): one stored form per operation. */
function onlyOp(activity: Activity): boolean {
  return (
    activity.query === undefined &&
    activity.matches === undefined &&
    activity.close_match === undefined &&
    activity.food === undefined &&
    activity.amount === undefined &&
    activity.meal === undefined &&
    activity.date === undefined
  );
}

const opOnlyJson: Partial<Record<OperationId, string>> = {};

export function parseActivity(text: string | null | undefined): Activity | undefined {
  if (!text) return undefined;
  try {
    const value = JSON.parse(text) as Activity;
    return value && typeof value === 'object' && (OPERATION_IDS as readonly string[]).includes(value.op) ? value : undefined;
  } catch {
    return undefined;
  }
}

/** What the person reads for a call that did its work. */
const DONE: Record<OperationId, (a: Activity, day: string | undefined) => string> = {
  searchFoods: (a) => `Searched '${a.query ?? ''}'${a.matches === 0 ? ' (nothing matched)' : a.close_match === false ? ' (no close match)' : ''}`,
  getFood: (a) => (a.food ? `Read the nutrition facts of ${a.food}` : 'Read the nutrition facts of a food'),
  getMe: () => 'Read your name and plan',
  addDiaryEntry: (a, day) => (a.food ? `Logged ${a.food}, ${a.amount ?? ''} at ${a.meal ?? 'a meal'}${a.date && a.date !== day ? ` on ${a.date}` : ''}` : 'Logged a food'),
  listDiaryEntries: (a) => `Read the diary for ${a.date ?? 'a day'}`,
  getDiarySummary: (a) => `Read the totals for ${a.date ?? 'a day'}`,
  deleteDiaryEntry: (a) => (a.food ? `Deleted ${a.food}, ${a.amount ?? ''} at ${a.meal ?? 'a meal'} on ${a.date ?? 'a day'}` : 'Deleted a diary entry'),
};

/** What the person reads for a call that was refused: what it tried. */
const TRIED: Record<OperationId, string> = {
  searchFoods: 'search the catalog',
  getFood: 'read a food',
  getMe: 'read your name and plan',
  addDiaryEntry: 'log a food',
  listDiaryEntries: 'read the diary',
  getDiarySummary: "read a day's totals",
  deleteDiaryEntry: 'delete a diary entry',
};

function refusal(status: number): string {
  if (status === 401) return 'its access had ended';
  if (status === 403) return 'it was not allowed to';
  if (status === 404) return 'not found';
  if (status === 429) return 'the daily limit was used up';
  if (status >= 500) return "it failed on Larder's side";
  return 'refused, the request was not valid';
}

/**
 * One line of history, without the app ("Searched 'banana'", "Logged Bananas, raw, 118 g
 * at breakfast", "Tried to log a food: not found"). `day` is the day of the call where the
 * person lives, so a log for another day says which.
 */
export function describeActivity(call: { activity: Activity | undefined; status: number; method: string; route: string }, day?: string): string {
  const { activity, status } = call;
  if (activity) {
    if (status < 400) return DONE[activity.op](activity, day);
    return `Tried to ${TRIED[activity.op]}: ${refusal(status)}`;
  }
  // Calls recorded before activity was (or outside an operation): say where they went.
  return status < 400 ? `Used ${call.method} ${call.route}` : `Tried ${call.method} ${call.route}: ${refusal(status)}`;
}
