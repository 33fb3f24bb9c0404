/**
 * Text handling shared by the index and the query: the same normalisation and
 * stemming on both sides is what lets "Strawberries" match "strawberry".
 */

/** Text normalize leaves as it is: ASCII with no capital, no apostrophe or backtick, no ampersand. */
const PLAIN = /^[^A-Z'`&\u0080-\uffff]*$/;

/** Lower-case ASCII, accents removed, apostrophes dropped ("McDonald's" -> "mcdonalds"). */
export function normalize(text: string): string {
  // Nothing to change (the usual query, every word of an index already normalised): as it is.
  if (PLAIN.test(text)) return text;
  return text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/['’`]/g, '')
    // "M&M's", "AT&T": one name, as written without the ampersand.
    .replace(/(?<=[a-z])&(?=[a-z])/g, '');
}

/** Words and numbers ("2%", "3.25%", "1/8"). */
const TOKEN = /\d+(?:[./]\d+)*%?|[a-z]+/g;

export function words(text: string): string[] {
  return normalize(text).match(TOKEN) ?? [];
}

/** Irregular plurals the suffix rules below would get wrong. */
const IRREGULAR: Readonly<Record<string, string>> = {
  leaves: 'leaf', halves: 'half', loaves: 'loaf', calves: 'calf', knives: 'knife', geese: 'goose',
  teeth: 'tooth', feet: 'foot', mice: 'mouse', children: 'child', oxen: 'ox', dice: 'die',
};

/** Words ending in s that are not plurals. */
const KEEP_S = new Set([
  'asparagus', 'hummus', 'couscous', 'molasses', 'citrus', 'octopus', 'cactus', 'hibiscus', 'fungus',
  'brussels', 'series', 'species', 'gas', 'plus', 'swiss', 'bass', 'grass', 'watercress', 'cress', 'anise',
]);

/**
 * A light English stemmer for food words: folds plurals and the y/ie/ies endings
 * together ("berry", "berries" -> "berri"; "cookie", "cookies" -> "cooki") and
 * leaves everything else alone. Heavier stemmers (Porter) conflate words people keep
 * apart here, such as "dried" and "dry", "oil" and "oily".
 */
export function stem(word: string): string {
  let known = stems.get(word);
  if (known === undefined) {
    known = stemOf(word);
    // Names share their words: a catalog of 100,000 foods has some 20,000 distinct ones.
    if (stems.size >= 100_000) stems.clear();
    stems.set(word, known);
  }
  return known;
}

const stems = new Map<string, string>();

function stemOf(word: string): string {
  if (word.length <= 2 || /\d/.test(word)) return word;
  const irregular = IRREGULAR[word];
  if (irregular) return irregular;
  let w = word;
  if (KEEP_S.has(w)) return w;
  if (w.length > 4 && w.endsWith('ies')) w = `${w.slice(0, -3)}i`;
  else if (w.length > 4 && w.endsWith('oes')) w = w.slice(0, -2);
  else if (w.length > 4 && /(ch|sh|x|ss|z)es$/.test(w)) w = w.slice(0, -2);
  else if (w.endsWith('s') && !/(ss|us|is)$/.test(w)) w = w.slice(0, -1);
  if (w.length > 2 && w.endsWith('ie')) w = w.slice(0, -1);
  else if (w.length > 3 && /[^aeiou]y$/.test(w)) w = `${w.slice(0, -1)}i`;
  return w;
}

/** Words that carry no meaning of their own in a food name or a query. */
export const STOPWORDS = new Set([
  'a', 'an', 'and', 'or', 'of', 'the', 'with', 'in', 'on', 'for', 'to', 'from', 'by', 'as', 'at', 'added',
  'w', 'wo', 'n', 'ns', 'nfs', 'type', 'made', 'include', 'includes', 'including', 'form', 'g', 'per',
]);
