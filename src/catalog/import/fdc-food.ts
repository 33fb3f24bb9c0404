import { ImportError } from '../../errors.js';
import type { ImportedFood, Portion } from '../model.js';
import { NutrientCollector, normalizeUnit } from './nutrient-map.js';
import { formatAmount, portionLabel } from './portion-label.js';
import { sentenceCase } from './text-case.js';

/**
 * The FoodData Central JSON downloads Larder reads, by their top-level key, and how
 * one food of each becomes an ImportedFood. Field names follow the FDC download
 * format (fdcId, description, foodNutrients[].nutrient.number, foodPortions, ...).
 */
export const FDC_FORMATS = {
  SRLegacyFoods: { dataset: 'USDA SR Legacy' },
  FoundationFoods: { dataset: 'USDA FoodData Central Foundation' },
  SurveyFoods: { dataset: 'USDA FNDDS' },
  BrandedFoods: { dataset: 'USDA FoodData Central Branded' },
} as const;

export type FdcKind = keyof typeof FDC_FORMATS;

export function isFdcKind(key: string): key is FdcKind {
  return Object.hasOwn(FDC_FORMATS, key);
}

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A string field, trimmed; undefined when absent, null, empty or not a string. */
function text(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}

/**
 * Converts one element of the food array. `where` is "FILE: record N": the fdcId
 * is added to it as soon as it is known, so an error points at the food.
 */
export function fdcFood(kind: FdcKind, record: unknown, where: string): ImportedFood {
  if (!isObject(record)) throw new ImportError(where, 'is not a JSON object');
  const fdcId = record.fdcId;
  if (!(typeof fdcId === 'number' && Number.isSafeInteger(fdcId) && fdcId > 0) && !(typeof fdcId === 'string' && /^\d+$/.test(fdcId))) {
    throw new ImportError(where, fdcId === undefined ? 'has no fdcId' : `fdcId must be a positive whole number, found ${JSON.stringify(fdcId)}`);
  }
  const at = `${where} (fdcId ${fdcId})`;
  const description = text(record.description);
  if (description === undefined) throw new ImportError(at, 'has no description');

  const food: ImportedFood = {
    dataset: FDC_FORMATS[kind].dataset,
    sourceId: kind === 'SRLegacyFoods' ? ndbNumber(record.ndbNumber, at) : String(fdcId),
    name: kind === 'BrandedFoods' ? sentenceCase(description) : description,
    foodGroup: foodGroup(kind, record),
    nutrients: nutrients(record.foodNutrients, at),
    portions: [...portions(record.foodPortions, at), ...(kind === 'BrandedFoods' ? brandedServing(record, at) : [])],
  };
  const terms = searchTerms(kind, record);
  if (terms.length > 0) food.searchTerms = terms.join('; ');
  return food;
}

/** SR Legacy's NDB number, padded like SR28's NDB_No ("09040") so the two line up. */
function ndbNumber(value: unknown, at: string): string {
  const digits = typeof value === 'number' ? String(value) : typeof value === 'string' ? value.trim() : '';
  if (!/^\d{1,5}$/.test(digits)) {
    throw new ImportError(at, `an SR Legacy food needs an ndbNumber of up to 5 digits, found ${JSON.stringify(value)}`);
  }
  return digits.padStart(5, '0');
}

function foodGroup(kind: FdcKind, record: Json): string {
  switch (kind) {
    case 'SRLegacyFoods':
    case 'FoundationFoods':
      return (isObject(record.foodCategory) && text(record.foodCategory.description)) || '';
    case 'SurveyFoods':
      return (isObject(record.wweiaFoodCategory) && text(record.wweiaFoodCategory.wweiaFoodCategoryDescription)) || '';
    case 'BrandedFoods':
      return text(record.brandedFoodCategory) ?? '';
  }
}

function nutrients(list: unknown, at: string): ImportedFood['nutrients'] {
  const collector = new NutrientCollector();
  if (list === undefined || list === null) return collector.result();
  if (!Array.isArray(list)) throw new ImportError(at, 'foodNutrients must be an array');
  list.forEach((entry, index) => {
    if (!isObject(entry) || !isObject(entry.nutrient)) {
      throw new ImportError(at, `foodNutrients[${index}] has no nutrient object`);
    }
    const { number, name, unitName } = entry.nutrient;
    if (typeof number !== 'string' && typeof number !== 'number') return; // a nutrient without a USDA number: not ours
    const amount = entry.amount;
    // Foundation foods list some nutrients with only min/max/median: nothing to import.
    if (amount === undefined || amount === null) return;
    if (typeof amount !== 'number' || !Number.isFinite(amount)) {
      throw new ImportError(
        at,
        `nutrient ${number}${typeof name === 'string' ? ` (${name})` : ''} has a non-numeric amount ${JSON.stringify(amount)}`,
      );
    }
    collector.add(String(number), amount, typeof unitName === 'string' ? unitName : undefined);
  });
  return collector.result();
}

/**
 * SR Legacy writes "1" + modifier "cup, sliced" with the measure unit
 * "undetermined"; Foundation writes measureUnit "cup" + modifier "chopped"; FNDDS
 * writes the whole label in portionDescription and a code in modifier.
 */
function portions(list: unknown, at: string): Portion[] {
  if (list === undefined || list === null) return [];
  if (!Array.isArray(list)) throw new ImportError(at, 'foodPortions must be an array');
  const result: Portion[] = [];
  list.forEach((entry, index) => {
    if (!isObject(entry)) throw new ImportError(at, `foodPortions[${index}] is not an object`);
    const grams = entry.gramWeight;
    if (grams === undefined || grams === null) return;
    if (typeof grams !== 'number' || !Number.isFinite(grams)) {
      throw new ImportError(at, `foodPortions[${index}] has a non-numeric gramWeight ${JSON.stringify(grams)}`);
    }
    if (grams <= 0) return;
    const amount = entry.amount;
    if (amount !== undefined && amount !== null && (typeof amount !== 'number' || !Number.isFinite(amount))) {
      throw new ImportError(at, `foodPortions[${index}] has a non-numeric amount ${JSON.stringify(amount)}`);
    }
    result.push({ label: portionText(entry, typeof amount === 'number' && amount > 0 ? amount : 1), grams });
  });
  return result;
}

function portionText(entry: Json, amount: number): string {
  const description = text(entry.portionDescription);
  if (description !== undefined) return description;
  const unitName = isObject(entry.measureUnit) ? text(entry.measureUnit.name) : undefined;
  const unit = unitName === undefined || unitName === 'undetermined' ? undefined : unitName;
  const modifier = text(entry.modifier);
  const measure = [unit, modifier].filter((part) => part !== undefined).join(', ');
  return measure === '' ? `${formatAmount(amount)} portion` : portionLabel(amount, measure);
}

/**
 * A Branded food's label serving ("2 cookies", 30 g). A serving given in ml is
 * left out: without the food's density it has no weight.
 */
function brandedServing(record: Json, at: string): Portion[] {
  const size = record.servingSize;
  const unit = text(record.servingSizeUnit);
  if (size === undefined || size === null || unit === undefined) return [];
  if (typeof size !== 'number' || !Number.isFinite(size)) {
    throw new ImportError(at, `servingSize must be a number, found ${JSON.stringify(size)}`);
  }
  if (size <= 0 || !['g', 'grm'].includes(normalizeUnit(unit))) return [];
  const household = text(record.householdServingFullText);
  return [{ label: household ? (household === household.toUpperCase() ? household.toLowerCase() : household) : `1 serving (${formatAmount(size)} g)`, grams: size }];
}

/** Words a person may search by besides the name: brand owner and brand, or FNDDS's other names. */
function searchTerms(kind: FdcKind, record: Json): string[] {
  const terms: string[] = [];
  if (kind === 'BrandedFoods') {
    for (const field of ['brandOwner', 'brandName', 'subbrandName', 'gtinUpc']) {
      const value = text(record[field]);
      if (value !== undefined) terms.push(value);
    }
  }
  if (kind === 'SurveyFoods' && Array.isArray(record.foodAttributes)) {
    for (const attribute of record.foodAttributes) {
      if (!isObject(attribute) || !isObject(attribute.foodAttributeType)) continue;
      if (attribute.foodAttributeType.name !== 'Additional Description') continue;
      const value = text(attribute.value);
      if (value !== undefined) terms.push(value);
    }
  }
  const seen = new Set<string>();
  return terms.filter((term) => {
    const lower = term.toLowerCase();
    if (seen.has(lower)) return false;
    seen.add(lower);
    return true;
  });
}
