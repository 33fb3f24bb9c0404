/**
 * Household amounts the way a cook reads them: USDA writes `.5`, `.333` and `.67`;
 * a label shows "1/2", "1/3", "2/3". Amounts that are no common fraction (`3.527`
 * oz, `5.3` oz) stay decimals.
 */
const DENOMINATORS = [2, 3, 4, 8, 6, 12];
/** USDA rounds thirds to two or three places (.33, .333, .666, .67). */
const TOLERANCE = 0.004;

export function formatAmount(amount: number): string {
  if (!Number.isFinite(amount) || amount <= 0) return String(amount);
  const whole = Math.floor(amount + TOLERANCE);
  const fraction = amount - whole;
  if (Math.abs(fraction) <= TOLERANCE) return String(whole);
  for (const denominator of DENOMINATORS) {
    const numerator = Math.round(fraction * denominator);
    if (numerator > 0 && numerator < denominator && Math.abs(fraction - numerator / denominator) <= TOLERANCE) {
      const fractionText = `${numerator}/${denominator}`;
      return whole === 0 ? fractionText : `${whole} ${fractionText}`;
    }
  }
  return String(Number(amount.toPrecision(6)));
}

/** "1 cup, sliced": the amount, then the measure as the dataset describes it. */
export function portionLabel(amount: number, measure: string): string {
  const text = measure.trim();
  return text === '' ? formatAmount(amount) : `${formatAmount(amount)} ${text}`;
}
