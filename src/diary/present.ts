import type { OperationRef } from '../api/operation.js';
import { nutritionSchema } from '../api/schemas.js';
import { nutritionPanel, type NutrientTier, type NutritionEntry } from '../catalog/nutrients.js';
import { MEALS, type DiaryEntry, type Meal } from './entries.js';

export interface DiaryEntryJson {
  id: string;
  date: string;
  meal: Meal;
  food: { id: string; name: string };
  amount: string;
  grams: number;
  portion_note?: string;
  note?: string;
  nutrition: NutritionEntry[];
  created_at: string;
}

/** A diary entry as the API shows it, with the nutrients of the amount eaten that the plan may see. */
export function presentEntry(entry: DiaryEntry, tier: NutrientTier): DiaryEntryJson {
  return {
    id: entry.id,
    date: entry.date,
    meal: entry.meal,
    food: { id: entry.foodId, name: entry.foodName },
    amount: entry.amount,
    grams: entry.grams,
    ...(entry.portionNote ? { portion_note: entry.portionNote } : {}),
    ...(entry.note ? { note: entry.note } : {}),
    nutrition: nutritionPanel(entry.nutrients, tier, 100),
    created_at: entry.createdAt,
  };
}

/** What history says about an entry logged or deleted (api/activity.ts). */
export function entryActivity(entry: DiaryEntryJson): { food: string; amount: string; meal: string; date: string } {
  return { food: entry.food.name, amount: entry.amount, meal: entry.meal, date: entry.date };
}

/** The JSON schema of a DiaryEntryJson; `ref` names the operations as the surface calls them. */
export const entrySchema = (ref: OperationRef) =>
  ({
    type: 'object',
    required: ['id', 'date', 'meal', 'food', 'amount', 'grams', 'nutrition', 'created_at'],
    properties: {
      id: { type: 'string', description: `Entry id, for ${ref('deleteDiaryEntry')}.` },
      date: { type: 'string', description: 'Day of the entry, YYYY-MM-DD.' },
      meal: { type: 'string', enum: [...MEALS] },
      food: {
        type: 'object',
        required: ['id', 'name'],
        properties: { id: { type: 'string' }, name: { type: 'string' } },
      },
      amount: { type: 'string', description: 'The amount as logged, such as "1 cup, sliced (150 g)".' },
      grams: { type: 'number' },
      portion_note: { type: 'string', description: 'Present when the portion had several readings ("1 cup": sliced or mashed) or was converted: which one was logged.' },
      note: { type: 'string', description: "The person's note on the entry, when there is one." },
      nutrition: { ...nutritionSchema, description: 'Nutrients in the amount eaten (not per 100 g).' },
      created_at: { type: 'string' },
    },
  }) as const;

/** The input of the operations that read one day. */
export const dateInputSchema = {
  type: 'object',
  properties: {
    date: { type: 'string', description: "Day to read, YYYY-MM-DD; default today in the person's time zone." },
  },
} as const;
