/** "Bananas, raw" -> "bananas-raw": lower-case ASCII words joined by hyphens, at most 80 characters. */
export function slugify(text: string): string {
  const words = text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/%/g, ' percent ')
    .replace(/&/g, ' and ')
    .split(/[^a-z0-9]+/)
    .filter(Boolean);
  let slug = '';
  for (const word of words) {
    const next = slug ? `${slug}-${word}` : word;
    if (next.length > 80) break;
    slug = next;
  }
  return slug || 'food';
}

/** The stable id of a food: one per source record, the same on every installation. */
export function foodIdFor(dataset: string, sourceId: string): string {
  // SR28 and SR Legacy are the same foods under the same NDB numbers: one id for both,
  // so importing SR Legacy over the bundled SR28 updates rather than duplicates.
  if (dataset === 'USDA SR28' || dataset === 'USDA SR Legacy') return `sr-${sourceId}`;
  if (dataset.startsWith('USDA FoodData Central') || dataset === 'USDA FNDDS') return `fdc-${sourceId}`;
  return `${slugify(dataset)}-${slugify(sourceId)}`;
}
