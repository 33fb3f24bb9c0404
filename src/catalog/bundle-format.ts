import type { ImportedFood, Portion } from './model.js';
import { portionLabel } from './import/portion-label.js';

/**
 * The bundled catalog file (data/sr28.json.gz): one SR28 release, columnar so that it
 * stays small in git (about 3 MB gzipped) and parses in one JSON.parse. Written by
 * scripts/build-catalog.ts, read on first start by bundled.ts.
 */
export interface BundleFile {
  format: typeof BUNDLE_FORMAT;
  dataset: string;
  /** Where the figures come from, for people reading the file. */
  source: string;
  /** Nutrient keys; a food's nutrients refer to them by position. */
  nutrients: string[];
  groups: string[];
  foods: BundledFood[];
}

/**
 * One food: NDB number, group (position in `groups`), name (Long_Desc), common names,
 * manufacturer, scientific name, survey (1 or 0), refuse per cent (or null) and its
 * description, then nutrients as flat [key position, amount per 100 g, ...] and
 * portions as flat [amount, measure, grams, ...] in USDA's Seq order.
 */
export type BundledFood = [
  sourceId: string,
  group: number,
  name: string,
  commonNames: string,
  manufacturer: string,
  scientificName: string,
  survey: 0 | 1,
  refusePercent: number | null,
  refuseDescription: string,
  nutrients: number[],
  portions: Array<number | string>,
];

export const BUNDLE_FORMAT = 1;

/** The release as the bundle file holds it. */
export function encodeBundle(foods: readonly ImportedFood[], dataset: string, source: string): BundleFile {
  const nutrientKeys: string[] = [];
  const nutrientIndex = new Map<string, number>();
  const groups: string[] = [];
  const groupIndex = new Map<string, number>();
  const rows = [...foods]
    .sort((a, b) => (a.sourceId < b.sourceId ? -1 : a.sourceId > b.sourceId ? 1 : 0))
    .map((food): BundledFood => {
      let group = groupIndex.get(food.foodGroup);
      if (group === undefined) groupIndex.set(food.foodGroup, (group = groups.push(food.foodGroup) - 1));
      const nutrients: number[] = [];
      for (const [key, amount] of Object.entries(food.nutrients)) {
        let index = nutrientIndex.get(key);
        if (index === undefined) nutrientIndex.set(key, (index = nutrientKeys.push(key) - 1));
        nutrients.push(index, amount);
      }
      const portions: Array<number | string> = [];
      for (const portion of food.portions) {
        if (portion.amount === undefined || portion.measure === undefined) throw new Error(`${food.sourceId}: portion "${portion.label}" has no amount and measure`);
        portions.push(portion.amount, portion.measure, portion.grams);
      }
      return [
        food.sourceId,
        group,
        food.name,
        food.commonNames ?? '',
        food.manufacturer ?? '',
        food.scientificName ?? '',
        food.survey ? 1 : 0,
        food.refuse?.percent ?? null,
        food.refuse?.description ?? '',
        nutrients,
        portions,
      ];
    });
  return { format: BUNDLE_FORMAT, dataset, source, nutrients: nutrientKeys, groups, foods: rows };
}

/** The foods of a bundle file, as an importer produces them. */
export function decodeBundle(bundle: BundleFile): ImportedFood[] {
  if (bundle.format !== BUNDLE_FORMAT) throw new Error(`bundled catalog format ${String(bundle.format)} is not ${BUNDLE_FORMAT}: rebuild it with scripts/build-catalog.ts`);
  return bundle.foods.map(([sourceId, group, name, commonNames, manufacturer, scientificName, survey, refusePercent, refuseDescription, flatNutrients, flatPortions]) => {
    const nutrients: Record<string, number> = {};
    for (let i = 0; i < flatNutrients.length; i += 2) nutrients[bundle.nutrients[flatNutrients[i]!]!] = flatNutrients[i + 1]!;
    const portions: Portion[] = [];
    for (let i = 0; i < flatPortions.length; i += 3) {
      const amount = flatPortions[i] as number;
      const measure = flatPortions[i + 1] as string;
      portions.push({ label: portionLabel(amount, measure), grams: flatPortions[i + 2] as number, amount, measure });
    }
    const food: ImportedFood = { dataset: bundle.dataset, sourceId, name, foodGroup: bundle.groups[group]!, nutrients, portions, nutrientCount: flatNutrients.length / 2 };
    const terms = [commonNames, manufacturer].filter((t) => t !== '');
    if (terms.length > 0) food.searchTerms = terms.join('; ');
    if (commonNames) food.commonNames = commonNames;
    if (manufacturer) food.manufacturer = manufacturer;
    if (scientificName) food.scientificName = scientificName;
    food.survey = survey === 1;
    if (refusePercent !== null) food.refuse = { percent: refusePercent, description: refuseDescription };
    return food;
  });
}
