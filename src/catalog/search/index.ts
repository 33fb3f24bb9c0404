import { editDistanceWithin } from './distance.js';
import { PHRASE_REWRITES, WORD_SYNONYMS } from './synonyms.js';
import { normalize, stem, STOPWORDS, words } from './text.js';

/** What the index needs of a food. */
export interface IndexableFood {
  id: string;
  name: string;
  foodGroup: string;
  searchTerms?: string;
  /** The nutrients the source reports: well-studied everyday foods have full panels. */
  nutrients?: Readonly<Record<string, number>>;
  /** How many nutrients the source reports, when `nutrients` is not given. */
  nutrientCount?: number;
}

export interface SearchHit {
  id: string;
  score: number;
}

/** One food as the index keeps it. */
interface IndexedFood {
  id: string;
  /** Stems of the name, in order, with the comma-separated segment each stands in. */
  stems: string[];
  segments: number[];
  /** Whether each stem only qualifies (in parentheses, or negated). */
  notes: boolean[];
  /** Stems of the extra search terms (common names, brand). */
  extraStems: Set<string>;
  /**
   * Stems of the first segment ("Bananas" in "Bananas, raw"), without category words:
   * in "Beverages, coffee, brewed" or "Crustaceans, shrimp, raw" the head is the second segment.
   */
  headStems: string[];
  /** USDA marks its representative entry: "all types", "mixed species", "year round average". */
  generic: boolean;
  /** Share of the catalog's largest nutrient panel this food reports (0 to 1). */
  completeness: number;
  groupPenalty: number;
  nameLength: number;
}

/** A query word and what it may match, each with how much a match counts (1 = exact). */
interface QueryTerm {
  text: string;
  matches: Map<string, number>;
  /** How much the word counts: the rarer, the more (inverse document frequency). */
  weight: number;
}

/**
 * Weights of the ranking, in one place. Scores add up per matched query word
 * (rarer words count more), then the name is judged as a whole: the food whose
 * leading words are exactly what was asked, with the fewest extra words, is what
 * a person means ("banana" -> "Bananas, raw", not "Bananas, dehydrated, or banana powder").
 */
export const RANKING = {
  prefixMatch: 0.8,
  /** A longer word that starts with a word that is itself known ("milk" -> "milkfish"). */
  prefixOfKnownWord: 0.35,
  fuzzyMatch1: 0.75,
  fuzzyMatch2: 0.55,
  synonymMatch: 0.9,
  /** A word matched outside the name's first segment counts this much. */
  laterSegment: 0.8,
  /** A word matched only in parentheses ("Chicken, skin (drumsticks and thighs)"). */
  noteMatch: 0.5,
  extraTermMatch: 0.7,
  /** The food's first segment is fully covered by the query. */
  headCovered: 2.0,
  /** The query's first word is the food's first word (after a category word). */
  leadingWord: 0.6,
  /** Each word of the name the query did not ask for. */
  extraWord: 0.35,
  /** Words that describe the plain, default form of a food cost less. */
  plainWord: 0.08,
  /** Qualifiers that make a food an unusual choice unless asked for. */
  unusualWord: 0.9,
  /** Foods from groups a person rarely means unless naming them (baby, fast, restaurant foods). */
  specialGroup: 1.6,
  /** Words that make a food something else than what was named ("meatless", "imitation"). */
  negatingWord: 2.5,
  /** USDA's representative entry for a food. */
  genericEntry: 0.6,
  /** Full nutrient panel versus none. */
  completeness: 0.6,
} as const;

const PLAIN_WORDS = new Set(
  ['raw', 'fresh', 'whole', 'plain', 'regular', 'fluid', 'all', 'varieti', 'commercial', 'mature', 'seed', 'ripe',
    'unprepared', 'unenriched', 'enriched', 'meat', 'only', 'edible', 'portion', 'solid', 'liquid', 'kernel',
    'includ', 'prepared', 'cooked', 'boiled', 'drained', 'without', 'salt', 'peeled', 'skin', 'flesh', 'natural',
    'vitamin', 'milkfat', 'lean', 'fat', 'trimmed', 'separable', 'granulated', 'year', 'round', 'average',
    'type', 'specie', 'mixed', 'generic', 'composite', 'drinking', 'unsweetened', 'recipe', 'cultured', 'commercially'].map(stem),
);

const UNUSUAL_WORDS = new Set(
  ['babyfood', 'infant', 'toddler', 'junior', 'strained', 'human', 'dehydrated', 'powder', 'imitation', 'substitute',
    'formula', 'canned', 'frozen', 'concentrate', 'reduced', 'sodium', 'dietetic', 'low', 'free', 'sweetened',
    'instant', 'mix', 'dry', 'freeze', 'condensed', 'evaporated', 'glaze', 'juice', 'oil', 'sauce',
    'nectar', 'pickled', 'candied', 'syrup', 'heavy', 'light', 'school', 'lunch', 'restaurant', 'fast', 'industrial',
    'ready', 'rte', 'alaska', 'native', 'indian', 'fortified', 'byproduct', 'variety', 'meats',
    'spread', 'mechanically', 'separated', 'stick', 'bar', 'flavored', 'chips', 'chip', 'bread', 'breaded', 'buttermilk',
    'deli', 'prepackaged', 'sliced', 'seasoned', 'roll', 'loaf', 'patty', 'patties', 'nugget', 'tenders', 'sandwich',
    'luncheon', 'canned', 'smoked', 'cured', 'salted', 'brine', 'marinated', 'processed', 'nuggets',
    'microwaved', 'frozen', 'entree', 'dinner', 'meal', 'cake', 'glutinous'].map(stem),
);

const NEGATING_WORDS = new Set(['meatless', 'imitation', 'substitute', 'mock', 'replacer', 'replacement', 'analog', 'simulated', 'vegetarian', 'vegan'].map(stem));

/** Words USDA puts first to file a food under a category: the food itself is named next. */
const CATEGORY_WORDS = new Set(
  ['beverages', 'alcoholic', 'beverage', 'crustaceans', 'mollusks', 'fish', 'cereals', 'nuts', 'seeds', 'spices',
    'candies', 'snacks', 'sweeteners', 'sweetener', 'fruit', 'vegetables', 'game', 'meat', 'ready', 'eat', 'rte',
    'fast', 'foods', 'infant', 'formula', 'babyfood', 'toddler', 'cheese'].map(stem),
);

/** Another animal or a plant stand-in than the one asked for makes it another food ("Bacon, turkey"). */
const SPECIES_WORDS = new Set(['turkey', 'chicken', 'beef', 'pork', 'lamb', 'veal', 'soy', 'duck', 'goose', 'bison', 'venison', 'goat', 'mutton', 'emu', 'ostrich'].map(stem));

const SPECIAL_GROUPS = new Set([
  'Baby Foods', 'Fast Foods', 'Restaurant Foods', 'American Indian/Alaska Native Foods', 'Meals, Entrees, and Side Dishes',
]);

/** Units an assistant may leave in a query ("100 g oats", "1 cup cooked quinoa"). */
const UNITS = new Set([
  'g', 'gr', 'gram', 'grams', 'kg', 'mg', 'oz', 'ounce', 'ounces', 'lb', 'lbs', 'ml', 'l', 'liter', 'litre', 'cup', 'cups',
  'tbsp', 'tbs', 'tablespoon', 'tablespoons', 'tsp', 'teaspoon', 'teaspoons', 'slice', 'slices', 'piece', 'pieces', 'serving',
  'servings', 'portion', 'portions', 'glass', 'glasses', 'bowl', 'bowls', 'can', 'cans', 'bottle', 'bottles', 'scoop', 'scoops',
  'handful', 'handfuls', 'plate', 'x', 'small', 'medium', 'large', 'pound', 'pounds', 'stick', 'sticks', 'pinch', 'dash', 'fl',
]);
const COUNT_WORDS = new Set(['a', 'an', 'one', 'two', 'three', 'four', 'five', 'six', 'half', 'quarter', 'some', 'few', 'couple']);

/**
 * Drops amounts from a query: bare numbers ("2 eggs"), a unit after a number or a
 * count word ("100 g", "a cup of", "two slices of"); keeps numbers that name a food
 * ("2%" milk) and unit words that are part of a name ("pound cake", "stick" alone).
 */
function withoutQuantities(tokens: string[]): string[] {
  const kept: string[] = [];
  let afterAmount = false;
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i]!;
    if (/^\d+(?:[./]\d+)*$/.test(token)) {
      afterAmount = true;
      continue;
    }
    if (COUNT_WORDS.has(token) && UNITS.has(tokens[i + 1] ?? '')) {
      afterAmount = true;
      continue;
    }
    if (afterAmount && UNITS.has(token)) {
      if (tokens[i + 1] === 'of') i++;
      continue;
    }
    afterAmount = false;
    kept.push(token);
  }
  return kept;
}

function headOf(stems: string[], segments: number[]): string[] {
  for (let segment = 0; segment <= 1; segment++) {
    const head = stems.filter((s, i) => segments[i] === segment && !CATEGORY_WORDS.has(s));
    if (head.length > 0) return head;
  }
  return [];
}

function isGenericEntry(stems: string[]): boolean {
  for (let i = 0; i < stems.length; i++) {
    const s = stems[i]!;
    const next = stems[i + 1];
    if (s === 'generic' || s === 'average' || s === 'composite' || s === 'plain') return true;
    if (s === 'all' && (next === 'type' || next === 'varieti' || next === 'commercial' || next === 'kind')) return true;
    if (s === 'mixed' && next === 'specie') return true;
  }
  return false;
}

/**
 * Splits a name into stems, remembering which comma-separated segment each came from.
 * Words in parentheses and the word after "not" only qualify ("(maybe previously
 * frozen)", "not fortified"): they are marked so they cost no more than a plain word.
 */
function nameStems(name: string): { stems: string[]; segments: number[]; notes: boolean[] } {
  const stems: string[] = [];
  const segments: number[] = [];
  const notes: boolean[] = [];
  let segment = 0;
  let depth = 0;
  let negated = false;
  for (const piece of normalize(name).split(/([,;()])/)) {
    if (piece === ',' || piece === ';') {
      if (depth === 0) segment++;
      continue;
    }
    if (piece === '(') {
      depth++;
      continue;
    }
    if (piece === ')') {
      depth = Math.max(0, depth - 1);
      continue;
    }
    for (const word of words(piece)) {
      if (word === 'not') {
        negated = true;
        continue;
      }
      if (STOPWORDS.has(word)) continue;
      stems.push(stem(word));
      segments.push(segment);
      notes.push(depth > 0 || negated);
      negated = false;
    }
  }
  return { stems, segments, notes };
}

/**
 * An in-memory index over food names: built once from the catalog (a few hundred
 * milliseconds for 100,000 foods) and answering a query in well under a millisecond.
 */
export class FoodSearchIndex {
  private readonly foods: IndexedFood[] = [];
  /** stem -> indexes of the foods whose name or search terms contain it. */
  private readonly postings = new Map<string, number[]>();
  /** Every distinct word as written (before stemming), sorted: prefix and typo look-ups. */
  private readonly surfaceWords: string[];
  private readonly stemOfSurface = new Map<string, string>();
  /** Surface words by length: a typo is within two letters of the word's length. */
  private readonly surfaceByLength: string[][] = [];
  private readonly idfCache = new Map<string, number>();

  constructor(foods: Iterable<IndexableFood>) {
    const surface = new Set<string>();
    const list = [...foods];
    const panelSize = (food: IndexableFood) => food.nutrientCount ?? (food.nutrients ? Object.keys(food.nutrients).length : 0);
    // Completeness is relative to the catalog's largest panel: SR28's full release reports
    // up to 140 of its 150 nutrients for the best-studied foods, other datasets far fewer.
    let largestPanel = 1;
    for (const food of list) largestPanel = Math.max(largestPanel, panelSize(food));
    for (const food of list) {
      const { stems, segments, notes } = nameStems(food.name);
      const extraWords = food.searchTerms ? words(food.searchTerms).filter((w) => !STOPWORDS.has(w)) : [];
      const extraStems = new Set(extraWords.map(stem));
      const index = this.foods.length;
      this.foods.push({
        id: food.id,
        stems,
        segments,
        notes,
        extraStems,
        headStems: headOf(stems, segments),
        generic: isGenericEntry(stems),
        completeness: panelSize(food) / largestPanel,
        groupPenalty: SPECIAL_GROUPS.has(food.foodGroup) ? 1 : 0,
        nameLength: food.name.length,
      });
      for (const s of new Set([...stems, ...extraStems])) {
        let list = this.postings.get(s);
        if (!list) this.postings.set(s, (list = []));
        list.push(index);
      }
      for (const word of words(food.name)) surface.add(word);
      for (const word of extraWords) surface.add(word);
    }
    this.surfaceWords = [...surface].sort();
    for (const word of this.surfaceWords) {
      this.stemOfSurface.set(word, stem(word));
      (this.surfaceByLength[word.length] ??= []).push(word);
    }
  }

  get size(): number {
    return this.foods.length;
  }

  private idf(s: string): number {
    let value = this.idfCache.get(s);
    if (value === undefined) {
      const df = this.postings.get(s)?.length ?? 0;
      value = Math.log(1 + this.foods.length / (1 + df));
      this.idfCache.set(s, value);
    }
    return value;
  }

  /** The words of a query, each with the stems it may match. */
  private parseQuery(query: string): QueryTerm[] {
    let text = normalize(query);
    for (const [pattern, replacement] of PHRASE_REWRITES) text = text.replace(pattern, replacement);
    const typed = withoutQuantities(words(text)).filter((w) => !STOPWORDS.has(w));
    // "soy milk" also matches "Soymilk", and "soymilk" also matches "soy milk" names.
    const compounds = new Map<number, string>();
    for (let i = 0; i + 1 < typed.length; i++) {
      const joined = stem(typed[i]! + typed[i + 1]!);
      if (this.postings.has(joined)) {
        compounds.set(i, joined);
        compounds.set(i + 1, joined);
      }
    }
    const terms: QueryTerm[] = [];
    const seen = new Set<string>();
    typed.forEach((word, position) => {
      const s = stem(word);
      if (seen.has(s)) return;
      seen.add(s);
      const matches = new Map<string, number>();
      const offer = (candidate: string, weight: number): void => {
        if ((matches.get(candidate) ?? 0) < weight) matches.set(candidate, weight);
      };
      if (this.postings.has(s)) offer(s, 1);
      const compound = compounds.get(position);
      if (compound) offer(compound, RANKING.synonymMatch);
      for (const synonym of WORD_SYNONYMS[s] ?? []) if (this.postings.has(synonym)) offer(synonym, RANKING.synonymMatch);
      const isLast = position === typed.length - 1;
      const known = matches.size > 0;
      // Words still being typed: "bana" -> "banana". Only from 2 letters on the last word, 3 elsewhere.
      if (word.length >= (isLast ? 2 : 3)) {
        const prefixWeight = known ? RANKING.prefixOfKnownWord : RANKING.prefixMatch;
        for (const full of this.wordsStartingWith(word)) {
          const fullStem = this.stemOfSurface.get(full)!;
          if (full !== word && fullStem !== s) offer(fullStem, prefixWeight);
        }
      }
      // Typos: only when the word itself is unknown, so a real word is never "corrected".
      if (matches.size === 0 && word.length >= 4 && !/\d/.test(word)) {
        const max = word.length >= 8 ? 2 : 1;
        for (let length = word.length - max; length <= word.length + max; length++) {
          for (const candidate of this.surfaceByLength[length] ?? []) {
            const d = editDistanceWithin(word, candidate, max);
            if (d <= max) offer(this.stemOfSurface.get(candidate)!, d === 1 ? RANKING.fuzzyMatch1 : RANKING.fuzzyMatch2);
          }
        }
      }
      // Synonyms of what a prefix or typo expanded to ("oatmeel" -> "oatmeal" -> "oat").
      for (const [candidate, w] of [...matches]) {
        for (const synonym of WORD_SYNONYMS[candidate] ?? []) if (this.postings.has(synonym)) offer(synonym, w * RANKING.synonymMatch);
      }
      // A word weighs what its own stem weighs when known; a typo or a prefix weighs what
      // its most common reading weighs, so a rare look-alike never outweighs the real word.
      let weight = this.idf(s);
      if (!this.postings.has(s)) {
        weight = Infinity;
        for (const candidate of matches.keys()) weight = Math.min(weight, this.idf(candidate));
      }
      terms.push({ text: word, matches, weight: Number.isFinite(weight) ? weight : 0 });
    });
    return terms;
  }

  private wordsStartingWith(prefix: string): string[] {
    const list = this.surfaceWords;
    let low = 0;
    let high = list.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if (list[mid]! < prefix) low = mid + 1;
      else high = mid;
    }
    const found: string[] = [];
    for (let i = low; i < list.length && list[i]!.startsWith(prefix) && found.length < 200; i++) found.push(list[i]!);
    return found;
  }

  /** The best `limit` foods for what a person typed, best first. */
  search(query: string, limit = 3): SearchHit[] {
    const terms = this.parseQuery(query).filter((t) => t.matches.size > 0);
    if (terms.length === 0 || limit <= 0) return [];

    // The foods each query word can match, then the foods matching every word; when
    // none has them all, the foods matching most of them compete.
    const perTerm = terms.map((term) => {
      const found = new Set<number>();
      for (const s of term.matches.keys()) for (const index of this.postings.get(s) ?? []) found.add(index);
      return found;
    });
    const bySize = [...perTerm].sort((a, b) => a.size - b.size);
    let candidates: Iterable<number> = [...bySize[0]!].filter((index) => bySize.every((set) => set.has(index)));
    let required = terms.length;
    if ((candidates as number[]).length === 0) {
      const coverage = new Map<number, number>();
      for (const set of perTerm) for (const index of set) coverage.set(index, (coverage.get(index) ?? 0) + 1);
      required = Math.max(...coverage.values());
      candidates = [...coverage].filter(([, count]) => count === required).map(([index]) => index);
    }

    // Stem -> how well it was matched (1 exact, less for prefixes and typos).
    const allStems = new Map<string, number>();
    for (const term of terms) for (const [s, w] of term.matches) allStems.set(s, Math.max(w, allStems.get(s) ?? 0));
    const firstTermStems = terms[0]!.matches;

    const best: Array<{ index: number; score: number }> = [];
    for (const index of candidates) {
      const food = this.foods[index]!;
      let score = this.nameFit(food, allStems, firstTermStems);
      for (const term of terms) score += this.termScore(food, term);
      if (best.length === limit && !this.ranksBefore(score, index, best[best.length - 1]!)) continue;
      // Keep the best `limit` in order: a short insertion beats sorting every candidate.
      let at = best.length;
      while (at > 0 && this.ranksBefore(score, index, best[at - 1]!)) at--;
      best.splice(at, 0, { index, score });
      if (best.length > limit) best.pop();
    }
    return best.map((r) => ({ id: this.foods[r.index]!.id, score: Math.round(r.score * 1000) / 1000 }));
  }

  /** Higher score first; on a tie the shorter name, then the smaller id, so results never shuffle. */
  private ranksBefore(score: number, index: number, other: { index: number; score: number }): boolean {
    if (score !== other.score) return score > other.score;
    const a = this.foods[index]!;
    const b = this.foods[other.index]!;
    if (a.nameLength !== b.nameLength) return a.nameLength < b.nameLength;
    return a.id < b.id;
  }

  /** The best a query word scores in a food: where in the name it matched, and how exactly. */
  private termScore(food: IndexedFood, term: QueryTerm): number {
    let best = 0;
    for (let i = 0; i < food.stems.length; i++) {
      const weight = term.matches.get(food.stems[i]!);
      if (weight === undefined) continue;
      const position = food.notes[i] ? RANKING.noteMatch : food.segments[i] === 0 ? 1 : RANKING.laterSegment;
      best = Math.max(best, weight * position);
    }
    if (best === 0) {
      for (const s of food.extraStems) {
        const weight = term.matches.get(s);
        if (weight !== undefined) best = Math.max(best, weight * RANKING.extraTermMatch);
      }
    }
    return best * term.weight;
  }

  /** How well the name as a whole fits the query, beyond the words it matched. */
  private nameFit(food: IndexedFood, matched: Map<string, number>, firstTermStems: Map<string, number>): number {
    let fit = 0;
    const head = food.headStems;
    // The head is covered when every word in it that matters was asked for ("Sunflower seed
    // kernels" is covered by "sunflower seeds": "kernels" only says which part).
    const needed = head.filter((s) => !PLAIN_WORDS.has(s) || matched.has(s));
    if (needed.length > 0 && needed.every((s) => matched.has(s))) {
      fit += RANKING.headCovered * Math.min(...needed.map((s) => matched.get(s)!));
    }
    // The food's first word, after a category word USDA files it under ("Snacks, popcorn, air-popped").
    const leading = head[0] ?? food.stems[0];
    if (leading !== undefined && firstTermStems.has(leading)) fit += RANKING.leadingWord * firstTermStems.get(leading)!;
    let headMatched = false;
    for (let i = 0; i < food.stems.length; i++) {
      const s = food.stems[i]!;
      if (matched.has(s)) {
        if (food.headStems.includes(s)) headMatched = true;
        continue;
      }
      if (s.length < 2 || /\d/.test(s)) continue;
      if (food.notes[i]) fit -= RANKING.plainWord;
      else if (NEGATING_WORDS.has(s)) fit -= RANKING.negatingWord;
      else if (UNUSUAL_WORDS.has(s) || SPECIES_WORDS.has(s)) fit -= RANKING.unusualWord;
      else if (PLAIN_WORDS.has(s)) fit -= RANKING.plainWord;
      else fit -= RANKING.extraWord;
    }
    if (food.groupPenalty) fit -= headMatched ? RANKING.specialGroup / 2 : RANKING.specialGroup;
    if (food.generic) fit += RANKING.genericEntry;
    fit += RANKING.completeness * food.completeness;
    return fit;
  }
}
