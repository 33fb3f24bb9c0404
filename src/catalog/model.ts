import type { NutrientAmounts } from './nutrients.js';

/** A household portion: "1 tbsp" weighs 14.2 g. */
export interface Portion {
  label: string;
  grams: number;
}

/** A food as an importer produces it, before it has a Larder id and slug. */
export interface ImportedFood {
  /** The dataset's name as shown to readers: "USDA SR28", "USDA FoodData Central Branded". */
  dataset: string;
  /** The dataset's own id for the food, as a string ("09040", "2345678"). */
  sourceId: string;
  /** A readable name: sentence case, no abbreviations. */
  name: string;
  foodGroup: string;
  /** Per 100 g edible portion. */
  nutrients: NutrientAmounts;
  portions: Portion[];
  /** Other words a person may search by: common names, brand owner. */
  searchTerms?: string;
}

/** A food as Larder stores and serves it. */
export interface Food extends ImportedFood {
  id: string;
  slug: string;
  searchTerms: string;
  updatedAt: string;
}
