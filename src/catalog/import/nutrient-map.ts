import { NUTRIENT_KEY_BY_NUMBER, NUTRIENTS, type NutrientAmounts } from '../nutrients.js';

/**
 * Maps USDA nutrient numbers to Larder's keys and units. Several numbers can feed
 * one key (energy: 208, the Atwater 958 and 957, and 268 in kJ); the one with the
 * best rank wins whatever order the file lists them in: the primary number first,
 * then the alternates in the order nutrients.ts lists them, then kJ energy.
 */
interface Source {
  key: string;
  /** 0 for the primary number; higher loses. */
  rank: number;
  /** The unit USDA reports this number in, when the file does not say. */
  unit: string;
}

/**
 * Energy in kJ (268) is a nutrient of its own, and also stands in for kcal energy in a
 * food that reports no kcal figure at all (some FoodData Central records).
 */
const KJ_ENERGY = { number: '268', key: 'energy', unit: 'kJ' };

const SOURCES: ReadonlyMap<string, readonly Source[]> = (() => {
  const map = new Map<string, Source[]>();
  const offer = (number: string, source: Source) => map.set(number, [...(map.get(number) ?? []), source]);
  for (const [number, { key, primary }] of NUTRIENT_KEY_BY_NUMBER) {
    const definition = NUTRIENTS.find((n) => n.key === key);
    const alternateIndex = definition?.alternates?.indexOf(number) ?? -1;
    offer(number, { key, rank: primary ? 0 : 1 + Math.max(alternateIndex, 0), unit: definition?.unit ?? '' });
  }
  offer(KJ_ENERGY.number, { key: KJ_ENERGY.key, rank: 100, unit: KJ_ENERGY.unit });
  return map;
})();

const UNIT_OF_KEY: ReadonlyMap<string, string> = new Map(NUTRIENTS.map((n) => [n.key, n.unit]));

/** Canonical unit spelling: FDC writes "UG", "MG", "KCAL", "kJ"; µ comes as U+00B5 or U+03BC. */
export function normalizeUnit(unit: string): string {
  const lower = unit.trim().toLowerCase();
  if (lower === 'ug' || lower === 'mcg' || lower === '\u00b5g' || lower === '\u03bcg') return 'µg';
  if (lower === 'kj') return 'kJ';
  if (lower === 'iu') return 'IU';
  return lower;
}

const MASS_IN_GRAMS: Record<string, number> = { g: 1, mg: 1e-3, 'µg': 1e-6 };
const ENERGY_IN_KCAL: Record<string, number> = { kcal: 1, kJ: 1 / 4.184 };

/**
 * `amount` in `from` expressed in `to`, or undefined when they do not convert:
 * IU to µg depends on the vitamin and its form, so such a figure is dropped.
 */
export function convertAmount(amount: number, from: string, to: string): number | undefined {
  const source = normalizeUnit(from);
  const target = normalizeUnit(to);
  if (source === target) return amount;
  for (const table of [MASS_IN_GRAMS, ENERGY_IN_KCAL]) {
    const a = table[source];
    const b = table[target];
    // Six significant digits hide float noise such as 0.30000000000000004 mg.
    if (a !== undefined && b !== undefined) return Number(((amount * a) / b).toPrecision(6));
  }
  return undefined;
}

/** Collects one food's nutrient rows into Larder's per-100 g amounts. */
export class NutrientCollector {
  private readonly amounts: NutrientAmounts = {};
  private readonly ranks = new Map<string, number>();

  /**
   * Records `amount` for USDA nutrient `number` in `unit` (the number's usual unit
   * when omitted, as in SR28). Returns false when Larder does not track the number
   * or the unit cannot be converted.
   */
  add(number: string, amount: number, unit?: string): boolean {
    let recorded = false;
    for (const source of SOURCES.get(number) ?? []) {
      const target = UNIT_OF_KEY.get(source.key) ?? source.unit;
      const converted = convertAmount(amount, unit ?? source.unit, target);
      if (converted === undefined) continue;
      const held = this.ranks.get(source.key);
      if (held !== undefined && held <= source.rank) continue;
      this.ranks.set(source.key, source.rank);
      this.amounts[source.key] = converted;
      recorded = true;
    }
    return recorded;
  }

  /** The amounts in nutrients.ts order, so stored records read like a facts panel. */
  result(): NutrientAmounts {
    const ordered: NutrientAmounts = {};
    for (const { key } of NUTRIENTS) {
      const amount = this.amounts[key];
      if (amount !== undefined) ordered[key] = amount;
    }
    return ordered;
  }
}

/** Whether Larder tracks this USDA nutrient number at all (to skip rows quickly). */
export function isTrackedNutrient(number: string): boolean {
  return SOURCES.has(number);
}
