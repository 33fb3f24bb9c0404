import { InvalidRequestError } from '../errors.js';
import type { Portion } from '../catalog/model.js';
import { amountText, matchPortion, type MeasureCommonness } from '../catalog/portions.js';

/** Most grams one entry may hold: 5 kg is already a feast; more is a typing mistake. */
export const MAX_GRAMS = 5000;
export const MAX_QUANTITY = 50;

export interface AmountInput {
  grams?: number;
  portion?: string;
  quantity?: number;
}

export interface ResolvedAmount {
  grams: number;
  /** As logged: "150 g", "2 medium (236 g)", "1 cup, sliced (150 g)". */
  label: string;
  /** Which reading of an ambiguous (or converted) portion was logged, for the reply. */
  note?: string;
}

function formatGrams(grams: number): string {
  return `${Math.round(grams * 10) / 10} g`;
}

export interface PortionContext {
  /** The food's name: its words may appear in a portion ("1 medium banana"). */
  foodName?: string;
  /** How common a measure is across the catalog, to pick among equally good readings. */
  commonness?: MeasureCommonness;
}

/**
 * How much was eaten, in grams: given directly, or as a household portion of the food
 * ("1 medium", "2 slices", "1 cup sliced"; see catalog/portions.ts), times a quantity.
 * A portion the food does not have is refused with the ones it has, so an assistant
 * can ask again correctly.
 */
export function resolveAmount(input: AmountInput, portions: readonly Portion[], context: PortionContext = {}): ResolvedAmount {
  const quantity = input.quantity ?? 1;
  if (!(quantity > 0) || quantity > MAX_QUANTITY) throw new InvalidRequestError(`quantity must be more than 0 and at most ${MAX_QUANTITY}.`);
  if (input.grams !== undefined && input.portion !== undefined) {
    throw new InvalidRequestError('Give either grams or portion, not both.');
  }
  let grams: number;
  let label: string;
  let note: string | undefined;
  if (input.grams !== undefined) {
    grams = input.grams * quantity;
    label = formatGrams(grams);
  } else if (input.portion !== undefined) {
    const match = matchPortion(input.portion, portions, context);
    if (!match) {
      const known = portions.map((p) => `"${p.label}"`).join(', ');
      throw new InvalidRequestError(
        portions.length > 0
          ? `This food has no portion "${input.portion.slice(0, 60)}". Its portions are ${known}; or give grams.`
          : 'This food has no household portions; give the amount in grams.',
      );
    }
    grams = match.grams * quantity;
    label = `${amountText(match.count * quantity, match.measure)} (${formatGrams(grams)})`;
    note = match.note;
  } else {
    throw new InvalidRequestError('Say how much was eaten: grams (such as 150) or portion (such as "1 cup").');
  }
  if (!(grams > 0)) throw new InvalidRequestError('The amount must be more than 0 grams.');
  if (grams > MAX_GRAMS) throw new InvalidRequestError(`${formatGrams(grams)} is more than one entry may hold (${MAX_GRAMS} g); split it or check the amount.`);
  return { grams: Math.round(grams * 100) / 100, label, ...(note ? { note } : {}) };
}
