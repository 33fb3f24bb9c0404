import { clip } from '../api/budget.js';
import type { OperationRef } from '../api/operation.js';
import { nutritionSchema } from '../api/schemas.js';
import type { Food } from './model.js';
import { nutritionPanel, type NutrientTier, type NutritionEntry } from './nutrients.js';

export interface FoodJson {
  id: string;
  name: string;
  url: string;
  food_group: string;
  source: { dataset: string; id: string };
  nutrition_basis: string;
  nutrition: NutritionEntry[];
  portions: Array<{ label: string; grams: number }>;
}

/** Most portions a food lists in the API; USDA has up to a dozen for a few foods. */
const MAX_PORTIONS = 12;

/** A food as the API shows it: absolute catalog link, source for citing, the nutrients the plan allows. */
export function presentFood(food: Food, appUrl: string, tier: NutrientTier): FoodJson {
  return {
    id: food.id,
    name: clip(food.name, 300),
    url: `${appUrl}/catalog/${encodeURIComponent(food.slug)}`,
    food_group: clip(food.foodGroup, 100),
    source: { dataset: food.dataset, id: food.sourceId },
    nutrition_basis: 'per 100 g',
    nutrition: nutritionPanel(food.nutrients, tier),
    portions: food.portions.slice(0, MAX_PORTIONS).map((p) => ({ label: clip(p.label, 120), grams: p.grams })),
  };
}

interface Presented {
  appUrl: string;
  json: Partial<Record<NutrientTier, FoodJson>>;
  text: Partial<Record<NutrientTier, string>>;
}

const presented = new WeakMap<Food, Presented>();

function presentedOf(food: Food, appUrl: string): Presented {
  let entry = presented.get(food);
  if (!entry || entry.appUrl !== appUrl) presented.set(food, (entry = { appUrl, json: {}, text: {} }));
  return entry;
}

/**
 * presentFood made once per food and tier and shared (read-only: spread it to add fields):
 * a catalog change replaces its Food objects rather than changing them, so what is made of
 * a Food never goes stale, and is dropped with it.
 */
export function presentedFood(food: Food, appUrl: string, tier: NutrientTier): Readonly<FoodJson> {
  const entry = presentedOf(food, appUrl);
  return (entry.json[tier] ??= presentFood(food, appUrl, tier));
}

/** A food's API JSON (presentFood) as text, serialized once per food and tier: replies are assembled from these pieces. */
export function foodJsonText(food: Food, appUrl: string, tier: NutrientTier): string {
  const entry = presentedOf(food, appUrl);
  return (entry.text[tier] ??= JSON.stringify(presentedFood(food, appUrl, tier)));
}

/** Serializes a food's API JSON for every tier ahead of its first request (the catalog in memory does it as it loads). */
export function serializeFoodAhead(food: Food, appUrl: string): void {
  for (const tier of ['main', 'full'] as const satisfies readonly NutrientTier[]) foodJsonText(food, appUrl, tier);
}

/** The JSON schema of a FoodJson; `ref` names the operations as the surface calls them. */
export const foodJsonSchema = (ref: OperationRef) => ({
  type: 'object',
  required: ['id', 'name', 'url', 'food_group', 'source', 'nutrition_basis', 'nutrition', 'portions'],
  properties: {
    id: { type: 'string', description: `Larder food id, stable; use it with ${ref('getFood')} or to log a diary entry.` },
    name: { type: 'string', description: 'Readable food name.' },
    url: { type: 'string', format: 'uri', description: 'Public catalog page with the full nutrition facts; link it when citing.' },
    food_group: { type: 'string' },
    source: {
      type: 'object',
      required: ['dataset', 'id'],
      properties: {
        dataset: { type: 'string', description: 'Dataset the figures come from, such as "USDA SR28".' },
        id: { type: 'string', description: "The dataset's own id for the food." },
      },
    },
    nutrition_basis: { type: 'string', description: 'Amounts are per 100 g of the edible portion.' },
    nutrition: nutritionSchema,
    portions: {
      type: 'array',
      description: 'Household portions with their weight, to convert a portion to grams.',
      items: {
        type: 'object',
        required: ['label', 'grams'],
        properties: { label: { type: 'string' }, grams: { type: 'number' } },
      },
    },
  },
}) as const;
