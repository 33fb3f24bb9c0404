import type { FastifyInstance, FastifyRequest } from 'fastify';
import { fitList } from '../api/budget.js';
import { errorSchema, nutritionSchema } from '../api/schemas.js';
import type { Catalog } from '../catalog/catalog.js';
import { nutritionPanel, type NutrientAmounts } from '../catalog/nutrients.js';
import type { Config } from '../config.js';
import type { Db } from '../db/index.js';
import { LarderError } from '../errors.js';
import { MAX_GRAMS, MAX_QUANTITY } from './amount.js';
import { diaryDate } from './dates.js';
import { addDiaryEntry, deleteDiaryEntry, listDiaryEntries, MEALS, totalNutrients, type DiaryEntry, type Meal } from './entries.js';
import { GOAL_FIELDS, getGoals } from './goals.js';

export interface DiaryRoutesOptions {
  db: Db;
  catalog: Catalog;
  config: Config;
}



const entrySchema = {
  type: 'object',
  required: ['id', 'date', 'meal', 'food', 'amount', 'grams', 'nutrition', 'created_at'],
  properties: {
    id: { type: 'string', description: 'Entry id, for deleteDiaryEntry.' },
    date: { type: 'string', description: 'Day of the entry, YYYY-MM-DD.' },
    meal: { type: 'string', enum: [...MEALS] },
    food: {
      type: 'object',
      required: ['id', 'name'],
      properties: { id: { type: 'string' }, name: { type: 'string' } },
    },
    amount: { type: 'string', description: 'The amount as logged, such as "1 cup, sliced (150 g)".' },
    grams: { type: 'number' },
    nutrition: { ...nutritionSchema, description: 'Nutrients in the amount eaten (not per 100 g).' },
    created_at: { type: 'string' },
  },
} as const;

const dateQuery = {
  type: 'object',
  properties: {
    date: { type: 'string', description: "Day to read, YYYY-MM-DD; default today in the person's time zone." },
  },
} as const;

/** The person a diary route acts for: set by the bearer check. */
function callerOf(request: FastifyRequest): { userId: string; timeZone: string; plan: 'free' | 'pro'; clientId: string } {
  const caller = request.apiCaller;
  if (!caller) throw new LarderError('invalid_token', 401, 'This request needs an access token.');
  return { userId: caller.user.id, timeZone: caller.user.timeZone, plan: caller.user.plan, clientId: caller.clientId };
}

/** The food diary API: add, read, total and delete a person's own entries. */
export async function diaryRoutes(app: FastifyInstance, options: DiaryRoutesOptions): Promise<void> {
  const { db, catalog } = options;
  const tierOf = (plan: 'free' | 'pro') => (plan === 'pro' ? 'full' : 'main');
  const present = (entry: DiaryEntry, plan: 'free' | 'pro') => ({
    id: entry.id,
    date: entry.date,
    meal: entry.meal,
    food: { id: entry.foodId, name: entry.foodName },
    amount: entry.amount,
    grams: entry.grams,
    nutrition: nutritionPanel(entry.nutrients, tierOf(plan), 100),
    created_at: entry.createdAt,
  });

  app.post<{
    Body: { food_id: string; meal: Meal; grams?: number; portion?: string; quantity?: number; date?: string; idempotency_key?: string };
  }>(
    '/api/diary',
    {
      schema: {
        operationId: 'addDiaryEntry',
        summary: 'Log a food in the diary',
        description:
          'Adds what the person ate: a food id from searchFoods, an amount in grams or a portion of that food ("1 cup"), the meal, and optionally the date (default today). Send a fresh idempotency_key so a retry never logs it twice.',
        scopes: ['diary:write'],
        body: {
          type: 'object',
          required: ['food_id', 'meal'],
          additionalProperties: false,
          properties: {
            food_id: { type: 'string', minLength: 1, maxLength: 64, description: 'Larder food id from searchFoods, such as "sr-09040".' },
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
            idempotency_key: {
              type: 'string',
              minLength: 8,
              maxLength: 200,
              description: 'A unique value for this entry (such as a UUID); repeating a request with the same key returns the first result instead of adding again.',
            },
          },
        },
        response: { 201: { description: 'The entry as stored.', ...entrySchema }, 200: { description: 'A retried request: the entry already stored.', ...entrySchema }, 400: errorSchema, 404: errorSchema, 409: errorSchema },
      },
    },
    async (request, reply) => {
      const caller = callerOf(request);
      const header = request.headers['idempotency-key'];
      const headerKey = typeof header === 'string' && header.trim() !== '' ? header.trim().slice(0, 200) : undefined;
      const body = request.body;
      const { entry, replayed } = await addDiaryEntry(
        db,
        catalog,
        caller.userId,
        {
          foodId: body.food_id,
          meal: body.meal,
          grams: body.grams,
          portion: body.portion,
          quantity: body.quantity,
          date: diaryDate(body.date, caller.timeZone),
        },
        { clientId: caller.clientId, idempotencyKey: headerKey ?? body.idempotency_key },
      );
      if (replayed) reply.header('idempotent-replayed', 'true');
      return reply.code(replayed ? 200 : 201).send(present(entry, caller.plan));
    },
  );

  app.get<{ Querystring: { date?: string } }>(
    '/api/diary',
    {
      schema: {
        operationId: 'listDiaryEntries',
        summary: "Read a day's diary",
        description: "Lists the person's diary entries for one day (default today) with the nutrients of each amount eaten.",
        scopes: ['diary:read'],
        querystring: dateQuery,
        response: {
          200: {
            type: 'object',
            required: ['date', 'entries'],
            properties: { date: { type: 'string' }, entries: { type: 'array', items: entrySchema }, truncated: { type: 'boolean' } },
          },
          400: errorSchema,
        },
      },
    },
    async (request) => {
      const caller = callerOf(request);
      const date = diaryDate(request.query.date, caller.timeZone);
      const entries = (await listDiaryEntries(db, caller.userId, date)).map((e) => present(e, caller.plan));
      return fitList(entries, (kept, truncated) => ({ date, entries: [...kept], ...(truncated ? { truncated } : {}) }));
    },
  );

  app.get<{ Querystring: { date?: string } }>(
    '/api/diary/summary',
    {
      schema: {
        operationId: 'getDiarySummary',
        summary: "A day's totals against goals",
        description: "Totals of the person's diary for one day (default today), per meal and for the day, compared with the daily goals they set (energy and macronutrients).",
        scopes: ['diary:read'],
        querystring: dateQuery,
        response: {
          200: {
            type: 'object',
            required: ['date', 'entry_count', 'totals', 'meals', 'goals'],
            properties: {
              date: { type: 'string' },
              entry_count: { type: 'integer' },
              totals: nutritionSchema,
              meals: {
                type: 'array',
                items: {
                  type: 'object',
                  required: ['meal', 'entry_count', 'energy_kcal'],
                  properties: { meal: { type: 'string' }, entry_count: { type: 'integer' }, energy_kcal: { type: 'number' } },
                },
              },
              goals: {
                type: 'array',
                description: 'Only the goals the person set.',
                items: {
                  type: 'object',
                  required: ['name', 'goal', 'eaten', 'remaining', 'unit'],
                  properties: { name: { type: 'string' }, goal: { type: 'number' }, eaten: { type: 'number' }, remaining: { type: 'number' }, unit: { type: 'string' } },
                },
              },
            },
          },
          400: errorSchema,
        },
      },
    },
    async (request) => {
      const caller = callerOf(request);
      const date = diaryDate(request.query.date, caller.timeZone);
      const entries = await listDiaryEntries(db, caller.userId, date);
      const totals: NutrientAmounts = totalNutrients(entries);
      const goals = await getGoals(db, caller.userId);
      return {
        date,
        entry_count: entries.length,
        totals: nutritionPanel(totals, tierOf(caller.plan)),
        meals: MEALS.map((meal) => {
          const ofMeal = entries.filter((e) => e.meal === meal);
          return { meal, entry_count: ofMeal.length, energy_kcal: totalNutrients(ofMeal).energy ?? 0 };
        }),
        goals: GOAL_FIELDS.filter((field) => goals[field.key] !== undefined).map((field) => {
          const goal = goals[field.key]!;
          const eaten = totals[field.key] ?? 0;
          return { name: field.label, goal, eaten, remaining: Math.round((goal - eaten) * 10) / 10, unit: field.unit };
        }),
      };
    },
  );

  app.delete<{ Params: { id: string } }>(
    '/api/diary/:id',
    {
      schema: {
        operationId: 'deleteDiaryEntry',
        summary: 'Delete a diary entry',
        description: "Removes one of the person's diary entries by its id (from listDiaryEntries or addDiaryEntry).",
        scopes: ['diary:write'],
        params: {
          type: 'object',
          required: ['id'],
          properties: { id: { type: 'string', maxLength: 64, description: 'Diary entry id.' } },
        },
        response: {
          200: { type: 'object', required: ['deleted'], properties: { deleted: entrySchema } },
          404: errorSchema,
        },
      },
    },
    async (request) => {
      const caller = callerOf(request);
      const entry = await deleteDiaryEntry(db, caller.userId, request.params.id);
      return { deleted: present(entry, caller.plan) };
    },
  );
}
