import type { NutrientAmounts } from './nutrients.js';

/** A household portion: "1 tbsp" weighs 14.2 g. */
export interface Portion {
  /** Amount and measure as a cook reads them: "1 medium (7\" to 7-7/8\" long)", "1/2 cup". */
  label: string;
  grams: number;
  /** The label's parts, when the source gives them apart (SR28 Amount and Msre_Desc): for matching "2 medium". */
  amount?: number;
  measure?: string;
}

/** A food as an importer produces it, before it has a Larder id and slug. */
export interface ImportedFood {
  /** The dataset's name as shown to readers: "USDA SR28", "USDA FoodData Central Branded". */
  dataset: string;
  /** The dataset's own id for the food, as a string ("09040", "2345678"). */
  sourceId: string;
  /** The name as the dataset writes it (SR28: Long_Desc); label data in capitals is sentence-cased. */
  name: string;
  foodGroup: string;
  /** Per 100 g edible portion. */
  nutrients: NutrientAmounts;
  portions: Portion[];
  /** Other words a person may search by: common names, brand owner. */
  searchTerms?: string;
  /** Other names for the food, as the source lists them (SR28 ComName: "pop, soda"). */
  commonNames?: string;
  /** The maker of a branded food (SR28 ManufacName). */
  manufacturer?: string;
  scientificName?: string;
  /**
   * Whether the food is one used in the national food survey (SR28 Survey = "Y"): what
   * Americans report eating. Undefined when the source does not say.
   */
  survey?: boolean;
  /** The inedible share as bought (SR28 Refuse, per cent) and what it is (Ref_desc: "Skin"). */
  refuse?: { percent: number; description: string };
  /**
   * How many nutrients `nutrients` holds, when the reader knows without counting (the
   * bundle does): counting the keys of 8,789 panels of ~80 is a noticeable part of a first start.
   */
  nutrientCount?: number;
}

/** A food as Larder stores and serves it. */
export interface Food extends ImportedFood {
  id: string;
  slug: string;
  searchTerms: string;
  updatedAt: string;
}
