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
  unit: NutrientUnit;
  srNumber: string;
  alternates?: string[];
  tier: NutrientTier;
  /** Indent on the facts panel: a part of the nutrient above it. */
  sub?: boolean;
}

export type NutrientUnit = 'kcal' | 'kJ' | 'g' | 'mg' | 'µg' | 'IU';

type Row = [srNumber: string, key: string, name: string, unit: NutrientUnit, sub?: 'sub'];

/** Builds definitions from compact rows: one line a nutrient keeps the 150 readable. */
function rows(tier: 'main' | 'full', list: Row[]): NutrientDefinition[] {
  return list.map(([srNumber, key, name, unit, sub]) => ({ key, name, unit, srNumber, tier, ...(sub ? { sub: true } : {}) }));
}

/**
 * Every nutrient of SR28's NUTR_DEF (150), in facts-panel order. Keys of the first 37
 * were chosen before the full release was bundled and are stored in diary entries:
 * never rename a key. Fatty acids are named as FoodData Central names them
 * ("SFA 16:0", "MUFA 18:1 c", "PUFA 20:5 n-3 (EPA)").
 */
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
  ...rows('full', [
    ['209', 'starch', 'Starch', 'g', 'sub'],
    ['210', 'sucrose', 'Sucrose', 'g', 'sub'],
    ['211', 'glucose', 'Glucose (dextrose)', 'g', 'sub'],
    ['212', 'fructose', 'Fructose', 'g', 'sub'],
    ['213', 'lactose', 'Lactose', 'g', 'sub'],
    ['214', 'maltose', 'Maltose', 'g', 'sub'],
    ['287', 'galactose', 'Galactose', 'g', 'sub'],
    ['268', 'energy_kj', 'Energy (kJ)', 'kJ'],
    ['257', 'adjusted_protein', 'Adjusted protein', 'g'],
  ]),
  { key: 'water', name: 'Water', unit: 'g', srNumber: '255', tier: 'full' },
  ...rows('full', [['207', 'ash', 'Ash', 'g']]),
  { key: 'alcohol', name: 'Alcohol', unit: 'g', srNumber: '221', tier: 'full' },
  { key: 'caffeine', name: 'Caffeine', unit: 'mg', srNumber: '262', tier: 'full' },
  ...rows('full', [['263', 'theobromine', 'Theobromine', 'mg']]),
  { key: 'calcium', name: 'Calcium', unit: 'mg', srNumber: '301', tier: 'full' },
  { key: 'iron', name: 'Iron', unit: 'mg', srNumber: '303', tier: 'full' },
  { key: 'potassium', name: 'Potassium', unit: 'mg', srNumber: '306', tier: 'full' },
  { key: 'magnesium', name: 'Magnesium', unit: 'mg', srNumber: '304', tier: 'full' },
  { key: 'phosphorus', name: 'Phosphorus', unit: 'mg', srNumber: '305', tier: 'full' },
  { key: 'zinc', name: 'Zinc', unit: 'mg', srNumber: '309', tier: 'full' },
  { key: 'copper', name: 'Copper', unit: 'mg', srNumber: '312', tier: 'full' },
  { key: 'manganese', name: 'Manganese', unit: 'mg', srNumber: '315', tier: 'full' },
  { key: 'selenium', name: 'Selenium', unit: 'µg', srNumber: '317', tier: 'full' },
  ...rows('full', [['313', 'fluoride', 'Fluoride', 'µg']]),
  { key: 'vitamin_a', name: 'Vitamin A (RAE)', unit: 'µg', srNumber: '320', tier: 'full' },
  ...rows('full', [
    ['318', 'vitamin_a_iu', 'Vitamin A (IU)', 'IU'],
    ['319', 'retinol', 'Retinol', 'µg', 'sub'],
    ['321', 'beta_carotene', 'Beta-carotene', 'µg', 'sub'],
    ['322', 'alpha_carotene', 'Alpha-carotene', 'µg', 'sub'],
    ['334', 'beta_cryptoxanthin', 'Beta-cryptoxanthin', 'µg', 'sub'],
    ['337', 'lycopene', 'Lycopene', 'µg'],
    ['338', 'lutein_zeaxanthin', 'Lutein + zeaxanthin', 'µg'],
  ]),
  { key: 'vitamin_c', name: 'Vitamin C', unit: 'mg', srNumber: '401', tier: 'full' },
  { key: 'vitamin_d', name: 'Vitamin D (D2 + D3)', unit: 'µg', srNumber: '328', tier: 'full' },
  ...rows('full', [
    ['325', 'vitamin_d2', 'Vitamin D2 (ergocalciferol)', 'µg', 'sub'],
    ['326', 'vitamin_d3', 'Vitamin D3 (cholecalciferol)', 'µg', 'sub'],
    ['324', 'vitamin_d_iu', 'Vitamin D (IU)', 'IU'],
  ]),
  { key: 'vitamin_e', name: 'Vitamin E (alpha-tocopherol)', unit: 'mg', srNumber: '323', tier: 'full' },
  ...rows('full', [
    ['573', 'vitamin_e_added', 'Vitamin E, added', 'mg', 'sub'],
    ['341', 'beta_tocopherol', 'Beta-tocopherol', 'mg'],
    ['342', 'gamma_tocopherol', 'Gamma-tocopherol', 'mg'],
    ['343', 'delta_tocopherol', 'Delta-tocopherol', 'mg'],
    ['344', 'alpha_tocotrienol', 'Alpha-tocotrienol', 'mg'],
    ['345', 'beta_tocotrienol', 'Beta-tocotrienol', 'mg'],
    ['346', 'gamma_tocotrienol', 'Gamma-tocotrienol', 'mg'],
    ['347', 'delta_tocotrienol', 'Delta-tocotrienol', 'mg'],
  ]),
  { key: 'vitamin_k', name: 'Vitamin K (phylloquinone)', unit: 'µg', srNumber: '430', tier: 'full' },
  ...rows('full', [
    ['429', 'dihydrophylloquinone', 'Dihydrophylloquinone', 'µg'],
    ['428', 'menaquinone_4', 'Menaquinone-4', 'µg'],
  ]),
  { key: 'thiamin', name: 'Thiamin', unit: 'mg', srNumber: '404', tier: 'full' },
  { key: 'riboflavin', name: 'Riboflavin', unit: 'mg', srNumber: '405', tier: 'full' },
  { key: 'niacin', name: 'Niacin', unit: 'mg', srNumber: '406', tier: 'full' },
  { key: 'pantothenic_acid', name: 'Pantothenic acid', unit: 'mg', srNumber: '410', tier: 'full' },
  { key: 'vitamin_b6', name: 'Vitamin B6', unit: 'mg', srNumber: '415', tier: 'full' },
  { key: 'folate', name: 'Folate (DFE)', unit: 'µg', srNumber: '435', tier: 'full' },
  ...rows('full', [
    ['417', 'folate_total', 'Folate, total', 'µg', 'sub'],
    ['432', 'folate_food', 'Folate, food', 'µg', 'sub'],
    ['431', 'folic_acid', 'Folic acid', 'µg', 'sub'],
  ]),
  { key: 'vitamin_b12', name: 'Vitamin B12', unit: 'µg', srNumber: '418', tier: 'full' },
  ...rows('full', [['578', 'vitamin_b12_added', 'Vitamin B12, added', 'µg', 'sub']]),
  { key: 'choline', name: 'Choline', unit: 'mg', srNumber: '421', tier: 'full' },
  ...rows('full', [
    ['454', 'betaine', 'Betaine', 'mg'],
    // Fatty acids by carbon atoms and double bonds, under their totals.
    ['607', 'sfa_4_0', 'SFA 4:0', 'g', 'sub'],
    ['608', 'sfa_6_0', 'SFA 6:0', 'g', 'sub'],
    ['609', 'sfa_8_0', 'SFA 8:0', 'g', 'sub'],
    ['610', 'sfa_10_0', 'SFA 10:0', 'g', 'sub'],
    ['611', 'sfa_12_0', 'SFA 12:0', 'g', 'sub'],
    ['696', 'sfa_13_0', 'SFA 13:0', 'g', 'sub'],
    ['612', 'sfa_14_0', 'SFA 14:0', 'g', 'sub'],
    ['652', 'sfa_15_0', 'SFA 15:0', 'g', 'sub'],
    ['613', 'sfa_16_0', 'SFA 16:0', 'g', 'sub'],
    ['653', 'sfa_17_0', 'SFA 17:0', 'g', 'sub'],
    ['614', 'sfa_18_0', 'SFA 18:0', 'g', 'sub'],
    ['615', 'sfa_20_0', 'SFA 20:0', 'g', 'sub'],
    ['624', 'sfa_22_0', 'SFA 22:0', 'g', 'sub'],
    ['654', 'sfa_24_0', 'SFA 24:0', 'g', 'sub'],
    ['625', 'mufa_14_1', 'MUFA 14:1', 'g', 'sub'],
    ['697', 'mufa_15_1', 'MUFA 15:1', 'g', 'sub'],
    ['626', 'mufa_16_1', 'MUFA 16:1 undifferentiated', 'g', 'sub'],
    ['673', 'mufa_16_1_c', 'MUFA 16:1 c', 'g', 'sub'],
    ['662', 'tfa_16_1_t', 'TFA 16:1 t', 'g', 'sub'],
    ['687', 'mufa_17_1', 'MUFA 17:1', 'g', 'sub'],
    ['617', 'mufa_18_1', 'MUFA 18:1 undifferentiated', 'g', 'sub'],
    ['674', 'mufa_18_1_c', 'MUFA 18:1 c', 'g', 'sub'],
    ['663', 'tfa_18_1_t', 'TFA 18:1 t', 'g', 'sub'],
    ['859', 'tfa_18_1_t_n7', 'TFA 18:1-11 t (18:1t n-7)', 'g', 'sub'],
    ['628', 'mufa_20_1', 'MUFA 20:1', 'g', 'sub'],
    ['630', 'mufa_22_1', 'MUFA 22:1 undifferentiated', 'g', 'sub'],
    ['676', 'mufa_22_1_c', 'MUFA 22:1 c', 'g', 'sub'],
    ['664', 'tfa_22_1_t', 'TFA 22:1 t', 'g', 'sub'],
    ['671', 'mufa_24_1_c', 'MUFA 24:1 c', 'g', 'sub'],
    ['618', 'pufa_18_2', 'PUFA 18:2 undifferentiated', 'g', 'sub'],
    ['675', 'pufa_18_2_n6_cc', 'PUFA 18:2 n-6 c,c', 'g', 'sub'],
    ['670', 'pufa_18_2_cla', 'PUFA 18:2 CLAs', 'g', 'sub'],
    ['669', 'tfa_18_2_tt', 'TFA 18:2 t,t', 'g', 'sub'],
    ['666', 'pufa_18_2_i', 'PUFA 18:2 i', 'g', 'sub'],
    ['665', 'tfa_18_2_t', 'TFA 18:2 t not further defined', 'g', 'sub'],
    ['619', 'pufa_18_3', 'PUFA 18:3 undifferentiated', 'g', 'sub'],
    ['851', 'pufa_18_3_n3_ala', 'PUFA 18:3 n-3 c,c,c (ALA)', 'g', 'sub'],
    ['685', 'pufa_18_3_n6', 'PUFA 18:3 n-6 c,c,c', 'g', 'sub'],
    ['856', 'pufa_18_3_i', 'PUFA 18:3 i', 'g', 'sub'],
    ['627', 'pufa_18_4', 'PUFA 18:4', 'g', 'sub'],
    ['672', 'pufa_20_2_n6_cc', 'PUFA 20:2 n-6 c,c', 'g', 'sub'],
    ['689', 'pufa_20_3', 'PUFA 20:3 undifferentiated', 'g', 'sub'],
    ['852', 'pufa_20_3_n3', 'PUFA 20:3 n-3', 'g', 'sub'],
    ['853', 'pufa_20_3_n6', 'PUFA 20:3 n-6', 'g', 'sub'],
    ['620', 'pufa_20_4', 'PUFA 20:4 undifferentiated', 'g', 'sub'],
    ['855', 'pufa_20_4_n6', 'PUFA 20:4 n-6', 'g', 'sub'],
    ['629', 'pufa_20_5_n3_epa', 'PUFA 20:5 n-3 (EPA)', 'g', 'sub'],
    ['857', 'pufa_21_5', 'PUFA 21:5', 'g', 'sub'],
    ['858', 'pufa_22_4', 'PUFA 22:4', 'g', 'sub'],
    ['631', 'pufa_22_5_n3_dpa', 'PUFA 22:5 n-3 (DPA)', 'g', 'sub'],
    ['621', 'pufa_22_6_n3_dha', 'PUFA 22:6 n-3 (DHA)', 'g', 'sub'],
    ['693', 'trans_monoenoic_fat', 'Trans-monoenoic fat', 'g', 'sub'],
    ['695', 'trans_polyenoic_fat', 'Trans-polyenoic fat', 'g', 'sub'],
    ['636', 'phytosterols', 'Phytosterols', 'mg'],
    ['638', 'stigmasterol', 'Stigmasterol', 'mg', 'sub'],
    ['639', 'campesterol', 'Campesterol', 'mg', 'sub'],
    ['641', 'beta_sitosterol', 'Beta-sitosterol', 'mg', 'sub'],
    // Amino acids, in grams per 100 g of food.
    ['501', 'tryptophan', 'Tryptophan', 'g'],
    ['502', 'threonine', 'Threonine', 'g'],
    ['503', 'isoleucine', 'Isoleucine', 'g'],
    ['504', 'leucine', 'Leucine', 'g'],
    ['505', 'lysine', 'Lysine', 'g'],
    ['506', 'methionine', 'Methionine', 'g'],
    ['507', 'cystine', 'Cystine', 'g'],
    ['508', 'phenylalanine', 'Phenylalanine', 'g'],
    ['509', 'tyrosine', 'Tyrosine', 'g'],
    ['510', 'valine', 'Valine', 'g'],
    ['511', 'arginine', 'Arginine', 'g'],
    ['512', 'histidine', 'Histidine', 'g'],
    ['513', 'alanine', 'Alanine', 'g'],
    ['514', 'aspartic_acid', 'Aspartic acid', 'g'],
    ['515', 'glutamic_acid', 'Glutamic acid', 'g'],
    ['516', 'glycine', 'Glycine', 'g'],
    ['517', 'proline', 'Proline', 'g'],
    ['518', 'serine', 'Serine', 'g'],
    ['521', 'hydroxyproline', 'Hydroxyproline', 'g'],
  ]),
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
