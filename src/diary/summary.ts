import { nutrientTierFor } from '../accounts/plans.js';
import type { Caller } from '../api/caller.js';
import type { Operation } from '../api/operation.js';
import { nutritionSchema } from '../api/schemas.js';
import { nutritionPanel, type NutritionEntry } from '../catalog/nutrients.js';
import type { Db } from '../db/index.js';
import { diaryDate } from './dates.js';
import { listDiaryEntries, MEALS, totalNutrients, type Meal } from './entries.js';
import { GOAL_FIELDS, getGoals } from './goals.js';
import { dateInputSchema } from './present.js';

export interface DaySummaryJson {
  date: string;
  entry_count: number;
  totals: NutritionEntry[];
  meals: Array<{ meal: Meal; entry_count: number; energy_kcal: number }>;
  goals: Array<{ name: string; goal: number; eaten: number; remaining: number; unit: string }>;
}

export const getDiarySummaryOperation: Operation = {
  id: 'getDiarySummary',
  scopes: ['diary:read'],
  writes: false,
  document: () => ({
    summary: "A day's totals against goals",
    description: "Totals of the person's diary for one day (default today), per meal and for the day, compared with the daily goals they set (energy and macronutrients).",
    input: dateInputSchema,
    output: {
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
  }),
  activity: (_input: unknown, output: DaySummaryJson) => ({ date: output.date }),
};

/**
 * The caller's day (default today where they live): totals, per meal, and against the
 * daily goals they set on /account.
 *
 * @example
 *   const summary = await daySummary({ db }, caller, { date: '2026-03-01' });
 */
export async function daySummary(deps: { db: Db }, caller: Caller, input: { date?: string }): Promise<DaySummaryJson> {
  const date = diaryDate(input.date, caller.user.timeZone);
  const entries = await listDiaryEntries(deps.db, caller.user.id, date);
  const totals = totalNutrients(entries);
  const goals = await getGoals(deps.db, caller.user.id);
  return {
    date,
    entry_count: entries.length,
    totals: nutritionPanel(totals, nutrientTierFor(caller.user.plan)),
    meals: MEALS.map((meal) => {
      const ofMeal = entries.filter((entry) => entry.meal === meal);
      return { meal, entry_count: ofMeal.length, energy_kcal: totalNutrients(ofMeal).energy ?? 0 };
    }),
    goals: GOAL_FIELDS.filter((field) => goals[field.key] !== undefined).map((field) => {
      const goal = goals[field.key]!;
      const eaten = totals[field.key] ?? 0;
      return { name: field.label, goal, eaten, remaining: Math.round((goal - eaten) * 10) / 10, unit: field.unit };
    }),
  };
}
