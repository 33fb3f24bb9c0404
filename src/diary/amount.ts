import { InvalidRequestError } from '../errors.js';
import type { Portion } from '../catalog/model.js';

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
  label: string;
}

function normalizeLabel(text: string): string {
  return text.toLowerCase().replace(/[^a-z0-9/.]+/g, ' ').trim();
}

function formatGrams(grams: number): string {
  return `${Math.round(grams * 10) / 10} g`;
}

/**
 * How much was eaten, in grams: given directly, or as a household portion of the food
 * ("1 cup" matches "1 cup, sliced"), times a quantity. A portion the food does not have
 * is refused with the ones it has, so an assistant can ask again correctly.
 */
export function resolveAmount(input: AmountInput, portions: readonly Portion[]): ResolvedAmount {
  const quantity = input.quantity ?? 1;
  if (!(quantity > 0) || quantity > MAX_QUANTITY) throw new InvalidRequestError(`quantity must be more than 0 and at most ${MAX_QUANTITY}.`);
  if (input.grams !== undefined && input.portion !== undefined) {
    throw new InvalidRequestError('Give either grams or portion, not both.');
  }
  let grams: number;
  let label: string;
  if (input.grams !== undefined) {
    grams = input.grams * quantity;
    label = formatGrams(grams);
  } else if (input.portion !== undefined) {
    const wanted = normalizeLabel(input.portion);
    const portion =
      portions.find((p) => normalizeLabel(p.label) === wanted) ??
      portions.find((p) => normalizeLabel(p.label).startsWith(wanted)) ??
      portions.find((p) => normalizeLabel(p.label).includes(wanted));
    if (!wanted || !portion) {
      const known = portions.map((p) => `"${p.label}"`).join(', ');
      throw new InvalidRequestError(
        portions.length > 0
          ? `This food has no portion "${input.portion.slice(0, 60)}". Its portions are ${known}; or give grams.`
          : 'This food has no household portions; give the amount in grams.',
      );
    }
    grams = portion.grams * quantity;
    label = `${quantity === 1 ? '' : `${quantity} × `}${portion.label} (${formatGrams(grams)})`;
  } else {
    throw new InvalidRequestError('Say how much was eaten: grams (such as 150) or portion (such as "1 cup").');
  }
  if (!(grams > 0)) throw new InvalidRequestError('The amount must be more than 0 grams.');
  if (grams > MAX_GRAMS) throw new InvalidRequestError(`${formatGrams(grams)} is more than one entry may hold (${MAX_GRAMS} g); split it or check the amount.`);
  return { grams: Math.round(grams * 100) / 100, label };
}
