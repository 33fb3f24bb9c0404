import { PhraseRewriter } from './phrase-rewriter.js';
import { PHRASE_REWRITES } from './synonyms.js';
import { normalize, stem, STOPWORDS, words } from './text.js';
import {
  AND_WORDS,
  BARE_KIND_DEFAULTS,
  CONTAINER_FORMS,
  COOKED_FOOD_WORDS,
  COOKED_REQUEST_WORDS,
  COUNT_WORDS,
  FORM_WORDS,
  HEAT_FOODS,
  HEAT_WORDS,
  OPTIONAL_WORDS,
  RAW_REQUEST_WORDS,
  SIZE_WORDS,
  UNITS,
  WITH_WORDS,
  WITHOUT_WORDS,
  IN_WORDS,
  OCCASION_WORDS,
  PACKAGE_WORDS,
  SERVING_CONTAINERS,
  SHAPED_FORMS,
} from './vocabulary.js';

/**
 * What a word of the query does:
 * - `core`: names the food; a result should have it.
 * - `optional`: qualifies it (a size, "fresh", a cooking method); it counts when the food has it.
 * - `side`: comes after "with" or "on": what the food was eaten with ("oatmeal with milk"), a tie-breaker only.
 */
export type QueryWordRole = 'core' | 'optional' | 'side';

export interface QueryWord {
  /** As typed (normalised). */
  text: string;
  stem: string;
  role: QueryWordRole;
  /** In the second part of "X and Y". */
  secondConjunct: boolean;
  /** The last word typed: it may still be being typed ("chicken bre"). */
  last: boolean;
  /** How much the word counts when matched: less for a cut or shape ("fillet", "chunks"). */
  weight: number;
  /** A side word after "from" ("from the bakery", "from mcdonalds"): where it came from, which may be a brand. */
  afterFrom?: boolean;
}

/** Which form of the food the query asks for. */
export type RequestedState = 'unspecified' | 'raw' | 'cooked';

export interface ParsedQuery {
  words: QueryWord[];
  state: RequestedState;
  /** Index in `words` of the word naming the food (the last core word: "chicken breast" -> "breast"), or -1. */
  head: number;
  /** The same within the first part of "X and Y" (X's last core word), for when only X is found. */
  firstHead: number;
  /** Stems of what the query says the food is without ("chili no beans", "chicken without skin"). */
  lacking: string[];
}

/**
 * What "canned" implied by a can or a tin counts: as much as a word of the food, more than "sliced"
 * implied by slices ("a tin of chopped tomatoes" is canned tomatoes, not fresh ones chopped).
 */
const CANNED_WEIGHT = 1.2;
/** "crisp" after the food is the dish or product ("apple crisp", "coffee crisp"), not how crisp it is ("crisp apple"). */
const CRISP = stem('crisp');
const NUMBER = /^\d+(?:[./]\d+)*%?$/;
/** PHRASE_REWRITES applied in order, each tried only when the text has a literal its pattern needs. */
const PHRASE_REWRITER = new PhraseRewriter(PHRASE_REWRITES);
/** Count words that are amounts whatever follows them ("two eggs", "some grapes"); "half" only before a unit ("half a cup"). */
/** Words after which "one" is still an amount ("tea and one sugar", "toast plus one egg"). */
const AMOUNT_BREAKS = new Set(['and', 'n', 'plus', 'with', 'w', 'or', 'then', 'also']);
const NUMBER_WORDS = new Set(['some', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine', 'ten', 'eleven', 'twelve', 'dozen', 'couple', 'few', 'several', 'another', 'each']);

/**
 * Drops what is an amount rather than a food: numbers ("2 eggs", but not "2%" milk), count
 * words, units after an amount ("100 g", "two slices"), and any container or measure
 * followed by "of" ("a can of tuna", "strips of bacon", "a handful of almonds").
 */
function withoutAmounts(tokens: string[]): { kept: string[]; implied: string[] } {
  const kept: string[] = [];
  const implied: string[] = [];
  let afterAmount = false;
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i]!;
    const next = tokens[i + 1] ?? '';
    if (NUMBER.test(token) && !token.endsWith('%')) {
      afterAmount = true;
      continue;
    }
    // "one" straight after a food word and before another is part of a product's name ("fiber one cereal").
    const inName = token === 'one' && kept.length > 0 && kept[kept.length - 1] === tokens[i - 1] && !STOPWORDS.has(tokens[i - 1]!) && !AMOUNT_BREAKS.has(tokens[i - 1]!) && next !== '' && next !== 'of' && !UNITS.has(next) && !NUMBER.test(next);
    if (!inName && (NUMBER_WORDS.has(token) || (COUNT_WORDS.has(token) && (UNITS.has(next) || next === 'of' || next === 'a' || next === 'an')))) {
      afterAmount = true;
      continue;
    }
    if (UNITS.has(token) && (next === 'of' || afterAmount)) {
      if (next === 'of') i++;
      const form = CONTAINER_FORMS.get(token);
      if (form) implied.push(form);
      afterAmount = false;
      continue;
    }
    if (token === 'of' && afterAmount) continue; // "a couple of"
    afterAmount = false;
    kept.push(token);
  }
  return { kept, implied };
}

/**
 * Reads a query the way a person means it: amounts and containers are not foods,
 * "X with Y" is X (eaten with Y), "X and Y" is the dish with both when there is one
 * (the index falls back to X), cooking words say which form is wanted.
 *
 * @example
 *   parseQuery('a bowl of oatmeal with milk') // oatmeal (core), milk (side)
 */
export function parseQuery(query: string): ParsedQuery {
  // Every rewrite in turn, each on what the ones before left (the ones that cannot match skipped).
  const text = PHRASE_REWRITER.apply(normalize(query).replace(/&/g, ' and '));
  const { kept: tokens, implied } = withoutAmounts(words(text));

  const parsed: QueryWord[] = [];
  // `packed`: after "in" ("tuna in water", "peaches in syrup"): what the food is packed or served in.
  let mode: 'core' | 'side' | 'dropped' | 'packed' = 'core';
  let secondConjunct = false;
  let afterFrom = false;
  // After "without" or "no" (not after "for breakfast"): what the food is without.
  let lackingFrom = false;
  const lacking: string[] = [];
  let state: RequestedState = 'unspecified';
  const seen = new Set<string>();
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i]!;
    if (WITH_WORDS.has(token)) {
      if (parsed.some((w) => w.role !== 'side')) mode = 'side';
      lackingFrom = false;
      afterFrom = token === 'from' && mode === 'side';
      continue;
    }
    if (WITHOUT_WORDS.has(token)) {
      mode = 'dropped';
      lackingFrom = true;
      continue;
    }
    const named = parsed.some((w) => w.role === 'core');
    // "grapefruit for breakfast", "eggs at lunch": when it was eaten, not what.
    if (OCCASION_WORDS.has(token) && named) {
      mode = 'dropped';
      lackingFrom = false;
      continue;
    }
    if (IN_WORDS.has(token) && named && mode === 'core') {
      mode = 'packed';
      continue;
    }
    if (AND_WORDS.has(token)) {
      if (mode === 'core' && parsed.length > 0) secondConjunct = true;
      continue;
    }
    // The one or two words said lacking ("no beans", "without sour cream"), not an amount or what came after it.
    if (mode === 'dropped' && lackingFrom && !STOPWORDS.has(token) && !AND_WORDS.has(token)) {
      if (NUMBER.test(token) || lacking.length === 2) lackingFrom = false;
      else lacking.push(stem(token));
    }
    if (mode === 'dropped' || STOPWORDS.has(token)) continue;
    // "instant oatmeal packet": the package it came in, last, after the food.
    if (PACKAGE_WORDS.has(token) && named && i === tokens.length - 1) continue;
    const s = stem(token);
    if (seen.has(s)) continue;
    seen.add(s);
    let role: QueryWordRole = mode === 'side' ? 'side' : mode === 'packed' ? 'optional' : 'core';
    // What a food is packed in counts when the food has it ("canned in water"), but is not the food.
    let weight = mode === 'packed' ? 0.7 : 1;
    if (role === 'core') {
      // "dry roasted", "dry heat": a way of cooking, not the dry form.
      const cookingPhrase = token === 'dry' && /^(?:roasted|roast|heat)$/.test(tokens[i + 1] ?? '');
      if (RAW_REQUEST_WORDS.has(s) && !cookingPhrase) {
        state = 'raw';
        role = 'optional';
      } else if (COOKED_FOOD_WORDS.has(s)) {
        if (state === 'unspecified') state = 'cooked';
      } else if (COOKED_REQUEST_WORDS.has(s) || cookingPhrase) {
        if (state === 'unspecified') state = 'cooked';
        role = 'optional';
      } else if ((OPTIONAL_WORDS.has(s) && !(s === CRISP && named && i === tokens.length - 1)) || SIZE_WORDS.has(s) || (SERVING_CONTAINERS.has(token) && named && i === tokens.length - 1)) {
        // "fresh", "large", "deli": weak evidence either way. How hot a food is that comes hot or mild
        // ("hot turkey sausage", "mild salsa") names its variety, as much as any food word.
        role = 'optional';
        weight = HEAT_WORDS.has(s) && tokens.slice(i + 1).some((t) => HEAT_FOODS.has(stem(t))) ? 1 : 0.4;
      } else if (FORM_WORDS.has(s) && parsed.some((w) => w.role === 'core' && w.secondConjunct === secondConjunct)) {
        // After the food it cuts: "salmon fillet", "celery sticks"; alone it is the food ("steak").
        role = 'optional';
        weight = 0.5;
      }
    }
    const word: QueryWord = { text: token, stem: s, role, secondConjunct: role === 'core' && secondConjunct, last: false, weight };
    if (role === 'side' && afterFrom) word.afterFrom = true;
    parsed.push(word);
  }
  if (parsed.length > 0) parsed[parsed.length - 1]!.last = true;
  for (const form of implied) {
    const s = stem(form);
    if (!seen.has(s)) parsed.push({ text: form, stem: s, role: 'optional', secondConjunct: false, last: false, weight: form === 'canned' ? CANNED_WEIGHT : 0.5 });
  }
  // A query of qualifiers only ("plain", "raw") names what it says.
  if (!parsed.some((w) => w.role === 'core')) for (const w of parsed) if (w.role === 'optional') w.role = 'core';
  // A kind of food named alone ("a bowl of cereal", "a handful of nuts") is its everyday one.
  const cores = parsed.filter((w) => w.role === 'core');
  const everyday = cores.length === 1 && !parsed.some((w) => SHAPED_FORMS.has(w.stem)) ? BARE_KIND_DEFAULTS.get(cores[0]!.stem) : undefined;
  if (everyday !== undefined) {
    const at = parsed.indexOf(cores[0]!);
    const replaced = words(everyday)
      .map((text): QueryWord => ({ text, stem: stem(text), role: 'core', secondConjunct: false, last: false, weight: 1 }))
      .filter((w) => !parsed.some((other) => other !== cores[0] && other.stem === w.stem));
    if (cores[0]!.last) replaced[replaced.length - 1]!.last = true;
    parsed.splice(at, 1, ...replaced);
  }
  let head = -1;
  let firstHead = -1;
  for (let i = 0; i < parsed.length; i++) {
    const word = parsed[i]!;
    if (word.role !== 'core' || /\d/.test(word.text)) continue;
    head = i;
    if (!word.secondConjunct) firstHead = i;
  }
  return { words: parsed, state, head, firstHead, lacking };
}
