import type { Db } from '../db/index.js';
import { InvalidRequestError } from '../errors.js';

/** Daily goals a person sets on /account: energy and the macronutrients. */
export const GOAL_FIELDS = [
  { key: 'energy', label: 'Energy', unit: 'kcal', max: 20000 },
  { key: 'protein', label: 'Protein', unit: 'g', max: 1000 },
  { key: 'fat', label: 'Total fat', unit: 'g', max: 1000 },
  { key: 'carbohydrate', label: 'Carbohydrate', unit: 'g', max: 2000 },
] as const;

export type GoalKey = (typeof GOAL_FIELDS)[number]['key'];
export type DailyGoals = Partial<Record<GoalKey, number>>;

export async function getGoals(db: Db, userId: string): Promise<DailyGoals> {
  const row = await db.selectFrom('diary_goals').select('goals').where('user_id', '=', userId).executeTakeFirst();
  return row ? (JSON.parse(row.goals) as DailyGoals) : {};
}

/** Checks goals as typed in a form: empty means no goal; otherwise a positive number within reason. */
export function parseGoals(form: Record<string, unknown>): DailyGoals {
  const goals: DailyGoals = {};
  for (const field of GOAL_FIELDS) {
    const raw = form[field.key];
    const text = typeof raw === 'string' ? raw.trim() : '';
    if (text === '') continue;
    const value = Number(text);
    if (!Number.isFinite(value) || value <= 0 || value > field.max) {
      throw new InvalidRequestError(`${field.label} goal must be a number from 1 to ${field.max} ${field.unit}, or empty.`);
    }
    goals[field.key] = Math.round(value * 10) / 10;
  }
  return goals;
}

export async function setGoals(db: Db, userId: string, goals: DailyGoals): Promise<void> {
  const value = JSON.stringify(goals);
  const updatedAt = new Date().toISOString();
  await db
    .insertInto('diary_goals')
    .values({ user_id: userId, goals: value, updated_at: updatedAt })
    .onConflict((oc) => oc.column('user_id').doUpdateSet({ goals: value, updated_at: updatedAt }))
    .execute();
}
