/**
 * The nutrients Larder knows, in the order a nutrition-facts panel shows them.
 * `srNumber` is the USDA nutrient number (SR28 Nutr_No, also FoodData Central's
 * `nutrient.number`); `alternates` are other numbers FoodData Central uses for the
 * same quantity in some datasets (Foundation foods report Atwater energy, NLEA sugars).
 * `tier` decides who sees it: `main` for every plan, `full` for the pro panel.
 */
/** Which panel a nutrient belongs to: `main` for every plan, `full` for the pro panel. */
export type NutrientTier = 'main' | 'full';

export interface NutrientDefinition {
  key: string;
  name: string;
  unit: 'kcal' | 'g' | 'mg' | 'µg' | 'IU';
  srNumber: string;
  alternates?: string[];
  tier: NutrientTier;
  /** Indent on the facts panel: a part of the nutrient above it. */
  sub?: boolean;
}

export const NUTRIENTS: readonly NutrientDefinition[] = [
  { key: 'energy', name: 'Energy', unit: 'kcal', srNumber: '208', alternates: ['958', '957'], tier: 'main' },
  { key: 'protein', name: 'Protein', unit: 'g', srNumber: '203', tier: 'main' },
  { key: 'fat', name: 'Total fat', unit: 'g', srNumber: '204', alternates: ['298'], tier: 'main' },
  { key: 'saturated_fat', name: 'Saturated fat', unit: 'g', srNumber: '606', tier: 'main', sub: true },
  { key: 'monounsaturated_fat', name: 'Monounsaturated fat', unit: 'g', srNumber: '645', tier: 'full', sub: true },
  { key: 'polyunsaturated_fat', name: 'Polyunsaturated fat', unit: 'g', srNumber: '646', tier: 'full', sub: true },
  { key: 'trans_fat', name: 'Trans fat', unit: 'g', srNumber: '605', tier: 'full', sub: true },
  { key: 'cholesterol', name: 'Cholesterol', unit: 'mg', srNumber: '601', tier: 'main' },
  { key: 'carbohydrate', name: 'Carbohydrate', unit: 'g', srNumber: '205', tier: 'main' },
  { key: 'fiber', name: 'Dietary fiber', unit: 'g', srNumber: '291', tier: 'main', sub: true },
  { key: 'sugars', name: 'Total sugars', unit: 'g', srNumber: '269', alternates: ['269.3'], tier: 'main', sub: true },
  { key: 'sodium', name: 'Sodium', unit: 'mg', srNumber: '307', tier: 'main' },
  { key: 'water', name: 'Water', unit: 'g', srNumber: '255', tier: 'full' },
  { key: 'alcohol', name: 'Alcohol', unit: 'g', srNumber: '221', tier: 'full' },
  { key: 'caffeine', name: 'Caffeine', unit: 'mg', srNumber: '262', tier: 'full' },
  { key: 'calcium', name: 'Calcium', unit: 'mg', srNumber: '301', tier: 'full' },
  { key: 'iron', name: 'Iron', unit: 'mg', srNumber: '303', tier: 'full' },
  { key: 'potassium', name: 'Potassium', unit: 'mg', srNumber: '306', tier: 'full' },
  { key: 'magnesium', name: 'Magnesium', unit: 'mg', srNumber: '304', tier: 'full' },
  { key: 'phosphorus', name: 'Phosphorus', unit: 'mg', srNumber: '305', tier: 'full' },
  { key: 'zinc', name: 'Zinc', unit: 'mg', srNumber: '309', tier: 'full' },
  { key: 'copper', name: 'Copper', unit: 'mg', srNumber: '312', tier: 'full' },
  { key: 'manganese', name: 'Manganese', unit: 'mg', srNumber: '315', tier: 'full' },
  { key: 'selenium', name: 'Selenium', unit: 'µg', srNumber: '317', tier: 'full' },
  { key: 'vitamin_a', name: 'Vitamin A (RAE)', unit: 'µg', srNumber: '320', tier: 'full' },
  { key: 'vitamin_c', name: 'Vitamin C', unit: 'mg', srNumber: '401', tier: 'full' },
  { key: 'vitamin_d', name: 'Vitamin D (D2 + D3)', unit: 'µg', srNumber: '328', tier: 'full' },
  { key: 'vitamin_e', name: 'Vitamin E (alpha-tocopherol)', unit: 'mg', srNumber: '323', tier: 'full' },
  { key: 'vitamin_k', name: 'Vitamin K (phylloquinone)', unit: 'µg', srNumber: '430', tier: 'full' },
  { key: 'thiamin', name: 'Thiamin', unit: 'mg', srNumber: '404', tier: 'full' },
  { key: 'riboflavin', name: 'Riboflavin', unit: 'mg', srNumber: '405', tier: 'full' },
  { key: 'niacin', name: 'Niacin', unit: 'mg', srNumber: '406', tier: 'full' },
  { key: 'pantothenic_acid', name: 'Pantothenic acid', unit: 'mg', srNumber: '410', tier: 'full' },
  { key: 'vitamin_b6', name: 'Vitamin B6', unit: 'mg', srNumber: '415', tier: 'full' },
  { key: 'folate', name: 'Folate (DFE)', unit: 'µg', srNumber: '435', tier: 'full' },
  { key: 'vitamin_b12', name: 'Vitamin B12', unit: 'µg', srNumber: '418', tier: 'full' },
  { key: 'choline', name: 'Choline', unit: 'mg', srNumber: '421', tier: 'full' },
];

export const NUTRIENT_BY_KEY: ReadonlyMap<string, NutrientDefinition> = new Map(NUTRIENTS.map((n) => [n.key, n]));

/** USDA nutrient number (and FDC alternates) -> our key; a primary number wins over an alternate. */
export const NUTRIENT_KEY_BY_NUMBER: ReadonlyMap<string, { key: string; primary: boolean }> = new Map(
  NUTRIENTS.flatMap((n): Array<[string, { key: string; primary: boolean }]> => [
    [n.srNumber, { key: n.key, primary: true }],
    ...(n.alternates ?? []).map((a): [string, { key: string; primary: boolean }] => [a, { key: n.key, primary: false }]),
  ]),
);

/** Amounts per 100 g, keyed by nutrient key; a nutrient the source does not report is absent. */
export type NutrientAmounts = Record<string, number>;

export interface NutritionEntry {
  name: string;
  amount: number;
  unit: string;
}

/**
 * The nutrients of a food as the API shows them, scaled from per-100 g to `grams`,
 * limited to the tier a plan may see. Amounts are rounded to what a label shows.
 */
export function nutritionPanel(amounts: NutrientAmounts, tier: NutrientTier, grams = 100): NutritionEntry[] {
  const panel: NutritionEntry[] = [];
  for (const nutrient of NUTRIENTS) {
    if (tier === 'main' && nutrient.tier !== 'main') continue;
    const per100 = amounts[nutrient.key];
    if (per100 === undefined) continue;
    panel.push({ name: nutrient.name, amount: roundAmount((per100 * grams) / 100), unit: nutrient.unit });
  }
  return panel;
}

/** Three significant figures, at most two decimals: 717 kcal, 0.85 g, 0.003 mg -> 0. */
export function roundAmount(value: number): number {
  if (!Number.isFinite(value)) return 0;
  const abs = Math.abs(value);
  const decimals = abs >= 100 ? 0 : abs >= 10 ? 1 : 2;
  const factor = 10 ** decimals;
  return Math.round(value * factor) / factor;
}
