import { createHash, randomBytes } from 'node:crypto';
import type { Catalog } from '../catalog/catalog.js';
import { UnknownFoodError } from '../catalog/operations.js';
import { NUTRIENTS, roundAmount, type NutrientAmounts } from '../catalog/nutrients.js';
import { isUniqueViolation } from '../db/errors.js';
import type { Db } from '../db/index.js';
import type { Selectable } from 'kysely';
import type { DiaryEntriesTable } from '../db/schema.js';
import { InvalidRequestError, LarderError, NotFoundError } from '../errors.js';
import { resolveAmount, type AmountInput } from './amount.js';

export const MEALS = ['breakfast', 'lunch', 'dinner', 'snack'] as const;
export type Meal = (typeof MEALS)[number];

/** Entries one day may hold; far above any real day, low enough to keep replies small. */
export const MAX_ENTRIES_PER_DAY = 100;

export interface DiaryEntry {
  id: string;
  date: string;
  meal: Meal;
  foodId: string;
  foodName: string;
  amount: string;
  grams: number;
  /** For the amount eaten, not per 100 g. */
  nutrients: NutrientAmounts;
  /** Which reading of an ambiguous portion was logged ("1 cup": sliced, not mashed). */
  portionNote?: string;
  /** The person's own note ("after the run"). */
  note?: string;
  /** The app that logged it; undefined when the person did, on the web. */
  clientId?: string;
  createdAt: string;
}

export interface NewDiaryEntry extends AmountInput {
  foodId: string;
  date: string;
  meal: Meal;
  note?: string;
}

/** Longest note an entry keeps: a line or two, not a journal. */
export const NOTE_MAX_LENGTH = 280;

// eslint-disable-next-line no-control-regex
const NOTE_CONTROL_CHARACTERS = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u2028\u2029]/;

/**
 * A note as stored: trimmed, undefined when empty. Longer than NOTE_MAX_LENGTH characters
 * or with control characters (line breaks aside) is refused, not cut.
 */
export function checkedNote(note: string | undefined): string | undefined {
  if (note === undefined) return undefined;
  const trimmed = note.trim();
  if (trimmed === '') return undefined;
  if ([...trimmed].length > NOTE_MAX_LENGTH) throw new InvalidRequestError(`A note has at most ${NOTE_MAX_LENGTH} characters.`);
  if (NOTE_CONTROL_CHARACTERS.test(trimmed)) throw new InvalidRequestError('A note cannot contain control characters.');
  return trimmed;
}

const ENTRY_COLUMNS = ['id', 'entry_date', 'meal', 'food_id', 'food_name', 'amount_label', 'grams', 'nutrients', 'portion_note', 'note', 'client_id', 'created_at'] as const;

type EntryRow = Pick<Selectable<DiaryEntriesTable>, (typeof ENTRY_COLUMNS)[number]>;

function toEntry(row: EntryRow): DiaryEntry {
  return {
    id: row.id,
    date: row.entry_date,
    meal: row.meal as Meal,
    foodId: row.food_id,
    foodName: row.food_name,
    amount: row.amount_label,
    grams: Number(row.grams),
    nutrients: JSON.parse(row.nutrients) as NutrientAmounts,
    ...(row.portion_note ? { portionNote: row.portion_note } : {}),
    ...(row.note ? { note: row.note } : {}),
    ...(row.client_id ? { clientId: row.client_id } : {}),
    createdAt: row.created_at,
  };
}


export class IdempotencyConflictError extends LarderError {
  constructor() {
    super('idempotency_key_reused', 409, 'This idempotency key was already used for a different entry; use a new key for a new entry.');
  }
}

export class DiaryDayFullError extends LarderError {
  constructor(date: string) {
    super('diary_day_full', 409, `The diary for ${date} already holds ${MAX_ENTRIES_PER_DAY} entries, the most a day may hold.`);
  }
}

function fingerprint(input: NewDiaryEntry): string {
  // A note is part of the entry: a retry that changes it is another entry (so a conflict).
  const canonical = JSON.stringify([input.foodId, input.date, input.meal, input.grams ?? null, input.portion ?? null, input.quantity ?? 1, ...(input.note ? [input.note] : [])]);
  return createHash('sha256').update(canonical).digest('hex');
}

function scaled(per100: NutrientAmounts, grams: number): NutrientAmounts {
  const result: NutrientAmounts = {};
  for (const nutrient of NUTRIENTS) {
    const value = per100[nutrient.key];
    if (value !== undefined) result[nutrient.key] = roundAmount((value * grams) / 100);
  }
  return result;
}


async function findByIdempotencyKey(db: Db, userId: string, key: string): Promise<{ entry: DiaryEntry; fingerprint: string | null } | undefined> {
  const row = await db
    .selectFrom('diary_entries')
    .select([...ENTRY_COLUMNS, 'request_fingerprint'])
    .where('user_id', '=', userId)
    .where('idempotency_key', '=', key)
    .executeTakeFirst();
  return row ? { entry: toEntry(row), fingerprint: row.request_fingerprint } : undefined;
}

/**
 * Logs what a person ate. With an idempotency key, a retried request (the same key and
 * the same entry) returns the entry already written instead of writing it twice.
 */
export async function addDiaryEntry(
  db: Db,
  catalog: Catalog,
  userId: string,
  input: NewDiaryEntry,
  options: { clientId?: string; idempotencyKey?: string } = {},
): Promise<{ entry: DiaryEntry; replayed: boolean }> {
  const key = options.idempotencyKey;
  const print = fingerprint(input);
  if (key !== undefined) {
    const existing = await findByIdempotencyKey(db, userId, key);
    if (existing) {
      if (existing.fingerprint !== print) throw new IdempotencyConflictError();
      return { entry: existing.entry, replayed: true };
    }
  }
  if (!(MEALS as readonly string[]).includes(input.meal)) throw new InvalidRequestError(`meal must be one of ${MEALS.join(', ')}.`);
  const note = checkedNote(input.note);
  const food = await catalog.findById(input.foodId);
  if (!food) throw new UnknownFoodError(input.foodId);
  const amount = resolveAmount(input, food.portions, { foodName: food.name, commonness: catalog.measureCommonness });
  const row = {
    id: `de_${randomBytes(12).toString('base64url')}`,
    user_id: userId,
    entry_date: input.date,
    meal: input.meal,
    food_id: food.id,
    food_name: food.name,
    amount_label: amount.label,
    grams: amount.grams,
    nutrients: JSON.stringify(scaled(food.nutrients, amount.grams)),
    portion_note: amount.note ?? null,
    note: note ?? null,
    client_id: options.clientId ?? null,
    idempotency_key: key ?? null,
    request_fingerprint: key === undefined ? null : print,
    created_at: new Date().toISOString(),
  };
  try {
    await db.transaction().execute(async (trx) => {
      const count = await trx
        .selectFrom('diary_entries')
        .select((eb) => eb.fn.countAll<string | number>().as('n'))
        .where('user_id', '=', userId)
        .where('entry_date', '=', input.date)
        .executeTakeFirstOrThrow();
      if (Number(count.n) >= MAX_ENTRIES_PER_DAY) throw new DiaryDayFullError(input.date);
      await trx.insertInto('diary_entries').values(row).execute();
    });
  } catch (error) {
    // Two tries with one key at the same moment: the first one written wins.
    if (key !== undefined && isUniqueViolation(error)) {
      const existing = await findByIdempotencyKey(db, userId, key);
      if (existing && existing.fingerprint === print) return { entry: existing.entry, replayed: true };
      throw new IdempotencyConflictError();
    }
    throw error;
  }
  return { entry: toEntry(row), replayed: false };
}

/** A person's entries for one day, in the order they were logged. */
export async function listDiaryEntries(db: Db, userId: string, date: string): Promise<DiaryEntry[]> {
  const rows = await db
    .selectFrom('diary_entries')
    .select(ENTRY_COLUMNS)
    .where('user_id', '=', userId)
    .where('entry_date', '=', date)
    .orderBy('created_at')
    .orderBy('id')
    .limit(MAX_ENTRIES_PER_DAY)
    .execute();
  return rows.map(toEntry);
}

/** Deletes one of the person's own entries; another person's entry is "not found", never revealed. */
export async function deleteDiaryEntry(db: Db, userId: string, id: string): Promise<DiaryEntry> {
  const row = await db.selectFrom('diary_entries').select(ENTRY_COLUMNS).where('id', '=', id).where('user_id', '=', userId).executeTakeFirst();
  if (!row) throw new NotFoundError(`No diary entry of yours has the id "${id.slice(0, 64)}".`);
  await db.deleteFrom('diary_entries').where('id', '=', id).where('user_id', '=', userId).execute();
  return toEntry(row);
}

/** One of the person's own entries; another person's is undefined, never revealed. */
export async function findDiaryEntry(db: Db, userId: string, id: string): Promise<DiaryEntry | undefined> {
  const row = await db.selectFrom('diary_entries').select(ENTRY_COLUMNS).where('id', '=', id).where('user_id', '=', userId).executeTakeFirst();
  return row ? toEntry(row) : undefined;
}

export interface DiaryEntryChanges {
  meal: Meal;
  /** The new amount (grams or a portion of the food, checked by resolveAmount), or undefined to keep it. */
  amount?: AmountInput;
  note: string | undefined;
}

/**
 * Changes an entry's amount, meal or note. A new amount scales the nutrients the entry
 * kept when it was logged (an entry keeps what was logged; a later catalog import never
 * rewrites it); a portion is read against the food's portions in the catalog, if the food
 * is still there. Throws NotFoundError for anyone else's entry.
 */
export async function updateDiaryEntry(db: Db, catalog: Catalog, userId: string, id: string, changes: DiaryEntryChanges): Promise<DiaryEntry> {
  const entry = await findDiaryEntry(db, userId, id);
  if (!entry) throw new NotFoundError(`No diary entry of yours has the id "${id.slice(0, 64)}".`);
  if (!(MEALS as readonly string[]).includes(changes.meal)) throw new InvalidRequestError(`meal must be one of ${MEALS.join(', ')}.`);
  const note = checkedNote(changes.note);
  const update: { meal: Meal; note: string | null; grams?: number; amount_label?: string; nutrients?: string; portion_note?: string | null } = { meal: changes.meal, note: note ?? null };
  if (changes.amount) {
    const food = changes.amount.portion !== undefined ? await catalog.findById(entry.foodId) : undefined;
    const amount = resolveAmount(changes.amount, food?.portions ?? [], { foodName: food?.name ?? entry.foodName, commonness: catalog.measureCommonness });
    const factor = amount.grams / entry.grams;
    const nutrients: NutrientAmounts = {};
    for (const [key, value] of Object.entries(entry.nutrients)) nutrients[key] = roundAmount(value * factor);
    Object.assign(update, { grams: amount.grams, amount_label: amount.label, nutrients: JSON.stringify(nutrients), portion_note: amount.note ?? null });
  }
  await db.updateTable('diary_entries').set(update).where('id', '=', id).where('user_id', '=', userId).execute();
  return (await findDiaryEntry(db, userId, id))!;
}

/** Every entry a person ever logged, oldest day first: for their export. */
export async function allDiaryEntries(db: Db, userId: string): Promise<DiaryEntry[]> {
  const rows = await db.selectFrom('diary_entries').select(ENTRY_COLUMNS).where('user_id', '=', userId).orderBy('entry_date').orderBy('created_at').orderBy('id').execute();
  return rows.map(toEntry);
}

/** Deletes everything the diary holds about a person (entries and goals): account deletion. */
export async function deleteDiaryOf(db: Db, userId: string): Promise<number> {
  const result = await db.deleteFrom('diary_entries').where('user_id', '=', userId).executeTakeFirst();
  await db.deleteFrom('diary_goals').where('user_id', '=', userId).execute();
  return Number(result.numDeletedRows);
}

/** Nutrient totals of a set of entries. */
export function totalNutrients(entries: readonly DiaryEntry[]): NutrientAmounts {
  const totals: NutrientAmounts = {};
  for (const entry of entries) {
    for (const [key, value] of Object.entries(entry.nutrients)) totals[key] = (totals[key] ?? 0) + value;
  }
  for (const key of Object.keys(totals)) totals[key] = roundAmount(totals[key]!);
  return totals;
}
