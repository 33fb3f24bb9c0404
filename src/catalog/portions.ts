import { formatAmount } from './import/portion-label.js';
import type { Portion } from './model.js';

/**
 * Household portions as people and assistants write them: "1 medium", "a medium",
 * "medium", "2 slices", "1 cup sliced", "1 cup, sliced", "half a cup", "1 1/2 tbsp",
 * "3 oz". A request is an optional count and measure words; it matches the food's
 * portion whose measure has all those words (words of the food's own name, as in
 * "1 medium banana", may be left over), and the count scales it: "2 medium" of a
 * banana whose "1 medium" weighs 118 g is 236 g, "1 cup" of butter listed as
 * "1/2 cup, 113.5 g" is 227 g.
 */

export interface PortionRequest {
  count: number;
  /** Normalized measure words ("cup", "slice", "tbsp", "floz"). */
  words: string[];
}

export interface PortionMatch {
  /** The food's portion that was used (as the dataset lists it). */
  portion: Portion;
  /** How many of the portion's measure were asked for. */
  count: number;
  grams: number;
  /** The measure without USDA's size notes: "medium", "cup, sliced", "g". */
  measure: string;
  /** Set when the request had several readings, or was converted: says which one was used. */
  note?: string;
}

/** How common a measure is across the catalog (how many foods USDA measured that way). */
export type MeasureCommonness = (measureKey: string) => number;

const NUMBER_WORDS: Record<string, number> = {
  a: 1, an: 1, one: 1, two: 2, three: 3, four: 4, five: 5, six: 6, seven: 7, eight: 8, nine: 9, ten: 10,
  twelve: 12, half: 0.5, quarter: 0.25, third: 1 / 3, dozen: 12, couple: 2,
};

const UNICODE_FRACTIONS: Record<string, string> = { '½': ' 1/2', '¼': ' 1/4', '¾': ' 3/4', '⅓': ' 1/3', '⅔': ' 2/3', '⅛': ' 1/8' };

/** Spellings of one measure word; the value is the spelling USDA uses. */
const ALIASES: Record<string, string> = {
  tablespoon: 'tbsp', tbs: 'tbsp', tbl: 'tbsp', tbsp: 'tbsp', tb: 'tbsp',
  teaspoon: 'tsp', tsp: 'tsp', ts: 'tsp',
  ounce: 'oz', oz: 'oz',
  pound: 'lb', lb: 'lb', lbs: 'lb',
  gram: 'g', gr: 'g', g: 'g', grm: 'g', kilogram: 'kg', kg: 'kg',
  cup: 'cup', c: 'cup',
  slice: 'slice', sl: 'slice',
  piece: 'piece', pc: 'piece', pcs: 'piece', pce: 'piece',
  med: 'medium', md: 'medium', medium: 'medium',
  lg: 'large', lrg: 'large', large: 'large',
  sm: 'small', sml: 'small', small: 'small',
  xl: 'extra large',
  serving: 'serving', srv: 'serving',
  fluid: 'fl', fl: 'fl',
  pkg: 'package', pkt: 'packet',
  halve: 'half', halves: 'half',
};

/** Words that join or qualify and never decide a match. */
const FILLER = new Set(['of', 'a', 'an', 'or', 'and', 'the', 'with', 'about', 'approx', 'approximately', 'x', 'each']);

/** Grams in one of a weight unit: these need no portion of the food. */
const WEIGHT_IN_GRAMS: Record<string, number> = { g: 1, kg: 1000, oz: 28.349523125, lb: 453.59237 };

/** US volume units in teaspoons, to convert between a food's volume portions. */
const VOLUME_IN_TEASPOONS: Record<string, number> = { tsp: 1, tbsp: 3, floz: 6, cup: 48 };

/** Unit spellings that stemming must leave alone. */
const UNIT_WORDS = new Set(['tbsp', 'tsp', 'oz', 'lb', 'g', 'kg', 'cup', 'fl', 'floz', 'extra large']);

/** One word, singular and in USDA's spelling: "Slices" -> "slic", "Tablespoons" -> "tbsp". */
function normalizeWord(word: string): string {
  let w = ALIASES[word.toLowerCase()] ?? word.toLowerCase();
  if (UNIT_WORDS.has(w) || w.length <= 3 || /\d/.test(w)) return w;
  if (w.endsWith('ies')) w = `${w.slice(0, -3)}y`;
  else if (/(ches|shes|oes|xes)$/.test(w)) w = w.slice(0, -2);
  else if (w.endsWith('s') && !w.endsWith('ss')) w = w.slice(0, -1);
  w = ALIASES[w] ?? w;
  if (UNIT_WORDS.has(w)) return w;
  // A light stem, the same on both sides: "sliced" and "slices", "cubed" and "cubes",
  // "chopped" and "chop" read alike.
  if (w.length > 4 && w.endsWith('ed')) {
    w = w.slice(0, -2);
    if (/([b-df-hj-np-tv-z])\1$/.test(w)) w = w.slice(0, -1);
  }
  if (w.length > 3 && w.endsWith('e')) w = w.slice(0, -1);
  return w === 'halv' ? 'half' : w;
}

/** Measure words of a text: "fl oz" and "fluid ounces" become one word, "floz". */
function measureWords(text: string): string[] {
  const raw = text
    .normalize('NFKD')
    .toLowerCase()
    .split(/[^a-z0-9/.]+/)
    .map((w) => w.replace(/^\.+|\.+$/g, ''))
    .filter((w) => w !== '');
  const out: string[] = [];
  for (const token of raw.flatMap((w) => normalizeWord(w).split(' '))) {
    if (token === 'oz' && out.at(-1) === 'fl') {
      out[out.length - 1] = 'floz';
      continue;
    }
    if (FILLER.has(token)) continue;
    out.push(token);
  }
  return out;
}

/** The words outside and inside parentheses: "medium (7\" to 7-7/8\" long)" -> medium | 7 to 7-7/8 long. */
function splitNotes(measure: string): { main: string; notes: string } {
  let main = '';
  let notes = '';
  let depth = 0;
  for (const ch of measure) {
    if (ch === '(') depth++;
    else if (ch === ')') depth = Math.max(0, depth - 1);
    else if (depth > 0) notes += ch;
    else main += ch;
  }
  return { main: main.replace(/\s+/g, ' ').replace(/\s+,/g, ',').replace(/[\s,]+$/, '').trim(), notes };
}

function measureOf(portion: Portion): string {
  if (portion.measure !== undefined) return portion.measure;
  // Portions from sources that give only a label ("1 cup, sliced"): drop the leading amount.
  return portion.label.replace(/^\s*(\d+(\.\d+)?(\s+\d+\/\d+)?|\d+\/\d+|\.\d+)\s*/, '');
}

function amountOf(portion: Portion): number {
  if (portion.amount !== undefined && portion.amount > 0) return portion.amount;
  const parsed = parseCount(portion.label);
  return parsed.count;
}

/** A key for "measured the same way": the measure's main words ("cup sliced"). */
export function measureKey(portion: Portion): string {
  return measureWords(splitNotes(measureOf(portion)).main).join(' ');
}

/** The leading count of a text and the rest: "1 1/2 cups" -> 1.5, "cups"; "half a cup" -> 0.5, "a cup". */
function parseCount(text: string): { count: number; rest: string; given: boolean } {
  let rest = text.trim().toLowerCase();
  for (const [symbol, replacement] of Object.entries(UNICODE_FRACTIONS)) rest = rest.split(symbol).join(replacement);
  rest = rest.trim();
  const numeric = /^(\d+)\/(\d+)|^(\d+(?:\.\d+)?)(?:\s+(\d+)\/(\d+))?|^(\.\d+)/.exec(rest);
  if (numeric) {
    let count: number;
    if (numeric[1] !== undefined) count = Number(numeric[1]) / Number(numeric[2]);
    else if (numeric[6] !== undefined) count = Number(numeric[6]);
    else count = Number(numeric[3]) + (numeric[4] !== undefined ? Number(numeric[4]) / Number(numeric[5]) : 0);
    return { count, rest: rest.slice(numeric[0].length).replace(/^\s*x\s+/, ' ').trim(), given: true };
  }
  const word = /^([a-z]+)\b\s*/.exec(rest);
  if (word && NUMBER_WORDS[word[1]!] !== undefined) {
    let count = NUMBER_WORDS[word[1]!]!;
    let after = rest.slice(word[0].length);
    // "a half cup", "one and a half cups", "half a cup"
    const more = /^(?:and\s+)?(?:a\s+)?(half|quarter)\b\s*/.exec(after);
    if (more) {
      count = word[1] === 'a' || word[1] === 'an' ? NUMBER_WORDS[more[1]!]! : count + NUMBER_WORDS[more[1]!]!;
      after = after.slice(more[0].length);
    }
    return { count, rest: after.replace(/^(a|an)\s+/, ''), given: true };
  }
  return { count: 1, rest, given: false };
}

export function parsePortionRequest(text: string): PortionRequest {
  const { count, rest } = parseCount(text);
  return { count, words: measureWords(rest) };
}

interface Candidate {
  portion: Portion;
  index: number;
  /** Whether the measure's first word is the request's first ("medium whole" for "1 medium", not "slice, medium"). */
  sameHead: boolean;
  extraWords: number;
  inNotes: number;
  commonness: number;
}

function ranksBefore(a: Candidate, b: Candidate): boolean {
  if (a.sameHead !== b.sameHead) return a.sameHead;
  if (a.extraWords !== b.extraWords) return a.extraWords < b.extraWords;
  if (a.inNotes !== b.inNotes) return a.inNotes < b.inNotes;
  if (a.commonness !== b.commonness) return a.commonness > b.commonness;
  return a.index < b.index;
}

/** Plural of a measure's first word for counts above one: "2 slices", "2 cups, sliced"; abbreviations stay. */
function pluralMeasure(measure: string, count: number): string {
  if (count <= 1) return measure;
  return measure.replace(/^([a-z]+)\b/i, (word) => {
    const lower = word.toLowerCase();
    if (!COUNTABLE.has(lower)) return word;
    if (/(ch|sh|x|s)$/.test(lower)) return `${word}es`;
    if (/[^aeiou]y$/.test(lower)) return `${word.slice(0, -1)}ies`;
    if (lower.endsWith('f')) return `${word.slice(0, -1)}ves`;
    return `${word}s`;
  });
}

const COUNTABLE = new Set([
  'cup', 'slice', 'piece', 'stick', 'pat', 'serving', 'package', 'container', 'can', 'bottle', 'jar', 'bar', 'fillet',
  'steak', 'chop', 'breast', 'leg', 'wing', 'thigh', 'drumstick', 'link', 'patty', 'sandwich', 'unit', 'tablet', 'packet',
  'scoop', 'spear', 'stalk', 'strip', 'wedge', 'leaf', 'clove', 'head', 'bunch', 'pint', 'quart', 'gallon', 'loaf', 'muffin',
  'cookie', 'cracker', 'roll', 'bagel', 'biscuit', 'item', 'order', 'pie', 'cake', 'bun', 'tortilla', 'pancake', 'waffle',
  'sausage', 'frank', 'egg', 'fruit', 'pod', 'sprig', 'shell', 'pouch', 'box', 'bowl', 'glass', 'envelope', 'cube', 'square',
  'roast', 'rack', 'shank', 'rib', 'tenderloin', 'loin', 'burger', 'taco', 'burrito', 'nugget', 'tender', 'pizza', 'crust',
]);

function gramsText(grams: number): string {
  return `${Math.round(grams * 10) / 10} g`;
}

function describe(portion: Portion): string {
  return `${portion.label} (${gramsText(portion.grams)})`;
}

/** "2 medium", "1 cup, sliced", "3 slices": a count of a measure as a person writes it. */
export function amountText(count: number, measure: string): string {
  return `${formatAmount(count)}${measure ? ` ${pluralMeasure(measure, count)}` : ''}`;
}

function matchOf(portion: Portion, count: number, grams: number, note?: string): PortionMatch {
  return { portion, count, grams, measure: splitNotes(measureOf(portion)).main, ...(note ? { note } : {}) };
}

/**
 * The food's portion a request means, and what it weighs; undefined when none fits.
 * Of several that fit, the reading with the fewest words beyond the request wins, then
 * the one measured for the most foods across the catalog (`commonness`: "cup, sliced"
 * over "cup, mashed"), then the one USDA lists first; the match then carries a note
 * naming the others, so an assistant can tell the person and correct it.
 *
 * @example matchPortion('2 medium', bananaPortions) // { grams: 236, count: 2, measure: 'medium', ... }
 */
export function matchPortion(
  text: string,
  portions: readonly Portion[],
  options: { foodName?: string; commonness?: MeasureCommonness } = {},
): PortionMatch | undefined {
  const request = parsePortionRequest(text);
  if (!(request.count > 0)) return undefined;
  // Words of the food's own name may be left over ("1 medium banana"), unless the
  // portion has them ("2 slices cheddar" of sliced cheddar).
  const nameWords = new Set(options.foodName ? measureWords(options.foodName) : []);
  const asked = request.words;
  if (asked.length === 0) return undefined;
  const required = asked.filter((w) => !nameWords.has(w));
  const commonness = options.commonness ?? (() => 0);

  const candidates: Candidate[] = [];
  portions.forEach((portion, index) => {
    const { main, notes } = splitNotes(measureOf(portion));
    const mainWords = measureWords(main);
    const noteWords = new Set(measureWords(notes));
    const has = (w: string) => mainWords.includes(w) || noteWords.has(w);
    if (!required.every(has) || !asked.some(has)) return;
    candidates.push({
      portion,
      index,
      sameHead: mainWords[0] === (required[0] ?? asked[0]),
      extraWords: mainWords.filter((w) => !asked.includes(w) && !/^[\d/.]+$/.test(w)).length,
      inNotes: asked.filter((w) => noteWords.has(w) && !mainWords.includes(w)).length + asked.filter((w) => !has(w)).length,
      commonness: commonness(mainWords.join(' ')),
    });
  });
  candidates.sort((a, b) => (ranksBefore(a, b) ? -1 : ranksBefore(b, a) ? 1 : 0));
  const all = portions.map((portion, index) => ({ portion, index }));
  if (candidates.length > 0) {
    const best = candidates[0]!;
    const grams = (request.count / amountOf(best.portion)) * best.portion.grams;
    // Equally good readings that weigh differently: say which one was logged.
    const rivals = candidates.filter((c) => c !== best && c.sameHead === best.sameHead && c.extraWords === best.extraWords && c.inNotes === best.inNotes && c.portion.grams / amountOf(c.portion) !== best.portion.grams / amountOf(best.portion));
    const note =
      rivals.length > 0
        ? `"${text.trim().slice(0, 60)}" has ${rivals.length + 1} readings for this food: ${[best, ...rivals].map((c) => describe(c.portion)).join(', ')}. ` +
          `Logged the most usual reading, ${best.portion.label}; name another portion to log that instead.`
        : undefined;
    return matchOf(best.portion, request.count, grams, note);
  }

  // A weight needs no portion: "100 g", "3 oz".
  if (required.length === 1 && WEIGHT_IN_GRAMS[required[0]!] !== undefined) {
    const unit = required[0]!;
    const grams = request.count * WEIGHT_IN_GRAMS[unit]!;
    return { portion: { label: `${formatAmount(request.count)} ${unit}`, grams }, count: request.count, grams, measure: unit };
  }

  // A volume the food has in another unit: "1 tbsp" of a food listed by the cup.
  if (required.length === 1 && VOLUME_IN_TEASPOONS[required[0]!] !== undefined) {
    const unit = required[0]!;
    const volumes = all.filter(({ portion }) => {
      const words = measureWords(splitNotes(measureOf(portion)).main);
      return words.length > 0 && VOLUME_IN_TEASPOONS[words[0]!] !== undefined;
    });
    const [best] = volumes
      .map(({ portion, index }) => {
        const words = measureWords(splitNotes(measureOf(portion)).main);
        return { portion, index, unit: words[0]!, extra: words.length - 1, commonness: commonness(words.join(' ')) };
      })
      .sort((a, b) => a.extra - b.extra || b.commonness - a.commonness || a.index - b.index);
    if (best) {
      const teaspoons = request.count * VOLUME_IN_TEASPOONS[unit]!;
      const gramsPerTeaspoon = best.portion.grams / (amountOf(best.portion) * VOLUME_IN_TEASPOONS[best.unit]!);
      const grams = teaspoons * gramsPerTeaspoon;
      const measure = unit === 'floz' ? 'fl oz' : unit;
      return {
        portion: { label: amountText(request.count, measure), grams },
        count: request.count,
        grams,
        measure,
        note: `This food has no "${unit === 'floz' ? 'fl oz' : unit}" portion; converted from ${describe(best.portion)}.`,
      };
    }
  }
  return undefined;
}
