
/** The tables Larder keeps. Each module owns its own tables and reaches others through functions. */
export interface Database {
  foods: FoodsTable;
  larder_meta: MetaTable;
}

export interface FoodsTable {
  /** Stable across re-imports and installations: derived from the source dataset and its own id. */
  id: string;
  slug: string;
  name: string;
  food_group: string;
  dataset: string;
  source_id: string;
  /** JSON object: nutrient key -> amount per 100 g edible portion. */
  nutrients: string;
  /** JSON array of household portions: [{ label, grams }]. */
  portions: string;
  /** Extra words a person may search by (common names, brand owner). */
  search_terms: string;
  updated_at: string;
}

export interface MetaTable {
  key: string;
  value: string;
}
