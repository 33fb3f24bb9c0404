import { nutrientTierFor } from '../accounts/plans.js';
import { fitList } from '../api/budget.js';
import type { Caller } from '../api/caller.js';
import type { Operation } from '../api/operation.js';
import type { Catalog } from '../catalog/catalog.js';
import type { Db } from '../db/index.js';
import { MAX_GRAMS, MAX_QUANTITY } from './amount.js';
import { diaryDate } from './dates.js';
import { addDiaryEntry, deleteDiaryEntry, listDiaryEntries, MEALS, NOTE_MAX_LENGTH, type Meal } from './entries.js';
import { dateInputSchema, entryActivity, entrySchema, presentEntry, type DiaryEntryJson } from './present.js';

/** What the diary operations read and write. */
export interface DiaryOperationsDeps {
  /** Characters a reply may take (default the API's 100,000); a surface that wraps replies asks for less. */
  responseBudget?: number;
  db: Db;
  catalog: Catalog;
}

export interface AddDiaryEntryInput {
  food_id: string;
  meal: Meal;
  grams?: number;
  portion?: string;
  quantity?: number;
  date?: string;
  note?: string;
  idempotency_key?: string;
}

export const addDiaryEntryOperation: Operation = {
  id: 'addDiaryEntry',
  scopes: ['diary:write'],
  writes: true,
  document: (ref) => ({
    summary: 'Log a food in the diary',
    description: `Adds what the person ate: a food id from ${ref('searchFoods')}, an amount in grams or a portion of that food ("1 cup"), the meal, and optionally the date (default today) and a short note. Send a fresh idempotency_key so a retry never logs it twice.`,
    input: {
      type: 'object',
      required: ['food_id', 'meal'],
      additionalProperties: false,
      properties: {
        food_id: { type: 'string', minLength: 1, maxLength: 64, description: `Larder food id from ${ref('searchFoods')}, such as "sr-09040".` },
        meal: { type: 'string', enum: [...MEALS], description: 'breakfast, lunch, dinner or snack.' },
        grams: { type: 'number', exclusiveMinimum: 0, maximum: MAX_GRAMS, description: 'Amount eaten in grams. Give grams or portion.' },
        portion: {
          type: 'string',
          minLength: 1,
          maxLength: 100,
          description: 'A household portion of this food as listed in its portions, such as "1 cup" or "1 medium". Give grams or portion.',
        },
        quantity: { type: 'number', exclusiveMinimum: 0, maximum: MAX_QUANTITY, default: 1, description: 'How many portions (or times the grams), default 1.' },
        date: { type: 'string', description: "Day eaten, YYYY-MM-DD; default today in the person's time zone." },
        note: { type: 'string', maxLength: NOTE_MAX_LENGTH, description: `Optional note the person wants kept with the entry ("after the run"), up to ${NOTE_MAX_LENGTH} characters.` },
        idempotency_key: {
          type: 'string',
          minLength: 8,
          maxLength: 200,
          description: 'A unique value for this entry (such as a UUID); repeating a request with the same key returns the first result instead of adding again.',
        },
      },
    },
    output: entrySchema(ref),
  }),
  activity: (_input: unknown, entry: DiaryEntryJson) => entryActivity(entry),
};

/**
 * Logs what the caller ate. With an idempotency key, a retry returns the entry first
 * written (`replayed: true`) and never logs twice.
 *
 * @example
 *   const { entry } = await addEntry({ db, catalog }, caller, { food_id: 'sr-09040', meal: 'snack', portion: '1 medium' });
 */
export async function addEntry(deps: DiaryOperationsDeps, caller: Caller, input: AddDiaryEntryInput): Promise<{ entry: DiaryEntryJson; replayed: boolean }> {
  const { entry, replayed } = await addDiaryEntry(
    deps.db,
    deps.catalog,
    caller.user.id,
    {
      foodId: input.food_id,
      meal: input.meal,
      grams: input.grams,
      portion: input.portion,
      quantity: input.quantity,
      date: diaryDate(input.date, caller.user.timeZone),
      note: input.note,
    },
    { clientId: caller.clientId, idempotencyKey: input.idempotency_key },
  );
  return { entry: presentEntry(entry, nutrientTierFor(caller.user.plan)), replayed };
}

export interface DiaryDayJson {
  date: string;
  entries: DiaryEntryJson[];
  truncated?: true;
}

export const listDiaryEntriesOperation: Operation = {
  id: 'listDiaryEntries',
  scopes: ['diary:read'],
  writes: false,
  document: (ref) => ({
    summary: "Read a day's diary",
    description: "Lists the person's diary entries for one day (default today) with the nutrients of each amount eaten.",
    input: dateInputSchema,
    output: {
      type: 'object',
      required: ['date', 'entries'],
      properties: { date: { type: 'string' }, entries: { type: 'array', items: entrySchema(ref) }, truncated: { type: 'boolean' } },
    },
  }),
  activity: (_input: unknown, output: DiaryDayJson) => ({ date: output.date }),
};

/** The caller's entries for one day (default today where they live), trimmed to the response budget. */
export async function diaryDay(deps: DiaryOperationsDeps, caller: Caller, input: { date?: string }): Promise<DiaryDayJson> {
  const date = diaryDate(input.date, caller.user.timeZone);
  const tier = nutrientTierFor(caller.user.plan);
  const entries = (await listDiaryEntries(deps.db, caller.user.id, date)).map((entry) => presentEntry(entry, tier));
  return fitList(entries, (kept, truncated): DiaryDayJson => ({ date, entries: [...kept], ...(truncated ? { truncated } : {}) }), deps.responseBudget);
}

export const deleteDiaryEntryOperation: Operation = {
  id: 'deleteDiaryEntry',
  scopes: ['diary:write'],
  writes: true,
  document: (ref) => ({
    summary: 'Delete a diary entry',
    description: `Removes one of the person's diary entries by its id (from ${ref('listDiaryEntries')} or ${ref('addDiaryEntry')}).`,
    input: {
      type: 'object',
      required: ['id'],
      properties: { id: { type: 'string', maxLength: 64, description: 'Diary entry id.' } },
    },
    output: { type: 'object', required: ['deleted'], properties: { deleted: entrySchema(ref) } },
  }),
  activity: (_input: unknown, output: { deleted: DiaryEntryJson }) => entryActivity(output.deleted),
};

/** Deletes one of the caller's own entries; another person's is "not found", never revealed. */
export async function deleteEntry(deps: DiaryOperationsDeps, caller: Caller, input: { id: string }): Promise<{ deleted: DiaryEntryJson }> {
  const entry = await deleteDiaryEntry(deps.db, caller.user.id, input.id);
  return { deleted: presentEntry(entry, nutrientTierFor(caller.user.plan)) };
}
