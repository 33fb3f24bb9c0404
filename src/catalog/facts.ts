import type { Food } from './model.js';
import { NUTRIENTS, roundAmount, type NutrientTier, type NutritionEntry } from './nutrients.js';

/** One line of a nutrition-facts panel, as views/nutrition-facts.eta shows it. */
export interface FactsRow {
  name: string;
  amount: number;
  unit: string;
  /** Indented: a part of the nutrient above it. */
  sub: boolean;
  /** A headline nutrient, shown in bold. */
  main: boolean;
}

/**
 * The rows of a food's nutrition-facts panel for `grams` of it, limited to `tier`: the
 * public page shows the full panel; a panel shown through a token follows the plan.
 */
export function factsRows(food: Food, grams: number, tier: NutrientTier = 'full'): FactsRow[] {
  return NUTRIENTS.filter((n) => food.nutrients[n.key] !== undefined && (tier === 'full' || n.tier === 'main')).map((n) => ({
    name: n.name,
    amount: roundAmount((food.nutrients[n.key]! * grams) / 100),
    unit: n.unit,
    sub: n.sub === true,
    main: n.tier === 'main' && n.sub !== true,
  }));
}

const NUTRIENT_BY_NAME = new Map(NUTRIENTS.map((n) => [n.name, n]));

/** The same rows from a nutrient list the API already shaped (and the plan already limited). */
export function factsRowsOf(nutrition: readonly NutritionEntry[]): FactsRow[] {
  return nutrition.map((entry) => {
    const nutrient = NUTRIENT_BY_NAME.get(entry.name);
    return { ...entry, sub: nutrient?.sub === true, main: nutrient?.tier === 'main' && nutrient.sub !== true };
  });
}
