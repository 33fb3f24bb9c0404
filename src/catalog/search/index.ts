import { editDistanceWithin } from './distance.js';
import { commonEnglishWords } from './english.js';
import { foodSynonyms, type FoodSynonyms } from './food-synonyms.js';
import { ACCOMPANIMENT, ALIAS, BRAND, HEAD, MODIFIER, NEGATED, NEXT, NOTE, profileFood, WORD_COST } from './profile.js';
import { parseQuery, type ParsedQuery, type QueryWord, type RequestedState } from './query.js';
import { WORD_SYNONYMS } from './synonyms.js';
import { normalize, stem, STOPWORDS, words } from './text.js';
import { ALCOHOL_REQUEST_WORDS, CATEGORY_SEGMENTS, CATEGORY_WORDS, CUT_WORDS, DISH_NOUNS, DISTINCT_FOOD_WORDS, FRYING_WORDS, IDENTITY_WORDS, NEGATING_WORDS, PART_WORDS, PLANT_PART_WORDS, VARIETY_WORDS } from './vocabulary.js';

/** What the index needs of a food. */
export interface IndexableFood {
  id: string;
  name: string;
  foodGroup: string;
  /** Other names (SR28 ComName) and the maker. */
  searchTerms?: string;
  /** The nutrients the source reports: well-studied everyday foods have full panels. */
  nutrients?: Readonly<Record<string, number>>;
  /** How many nutrients the source reports, when `nutrients` is not given. */
  nutrientCount?: number;
  /** SR28's Survey flag: the food is one Americans report eating in the national food survey. */
  survey?: boolean;
  /** USDA's household portions: the better-known a food, the more ways it was measured. */
  portions?: readonly unknown[];
  /** How many portions, when `portions` is not given. */
  portionCount?: number;
  /** Grams of water per 100 g, when `nutrients` is not given: a raw legume with little is a dry seed to cook. */
  water?: number;
}

/**
 * How a result matched the query's food words (amounts, containers, sizes, cooking
 * words and what follows "with" aside):
 * - `exact`: every word is in the food's name or other names, as typed or as a known synonym;
 * - `partial`: some word is missing from it, or was only begun ("chick bre");
 * - `fuzzy`: some word matched only by spelling distance ("brocoli").
 */
export type MatchKind = 'exact' | 'partial' | 'fuzzy';

export interface SearchHit {
  id: string;
  /** Relevance: higher is better; comparable between the results of one query only. */
  score: number;
  match: MatchKind;
}

export interface SearchResult {
  hits: SearchHit[];
  /**
   * Whether the first result is what was asked for: false when it only matched by
   * spelling distance on a short or minor word, lacks one of the query's food words,
   * or names the asked word only as a qualifier ("Salad dressing" for "caesar salad").
   * False when nothing matched.
   */
  closeMatch: boolean;
}

/**
 * Weights of the ranking, in one place. A food's score adds up its matched query words
 * (rarer words count more; where in the name and how exactly each matched), how well
 * its name as a whole fits (the words naming the food covered; each unasked word
 * costs by its kind, see profile.ts WORD_COST), what USDA's data says of how common it
 * is, and whether it is in the form people eat (cooked meat, grains and eggs; raw fruit).
 */
export const RANKING = {
  exactMatch: 1,
  synonymMatch: 0.95,
  prefixMatch: 0.8,
  /** A longer word that starts with a word that is itself known ("milk" -> "milkfish"). */
  prefixOfKnownWord: 0.35,
  fuzzyMatch1: 0.75,
  fuzzyMatch2: 0.55,
  /** Where a word matched: the naming segment, a later one, parentheses, after "with", other names. */
  headPosition: 1,
  /** In the segment after the naming one, which may name the food instead ("Beverages, carbonated, cola"). */
  nextPosition: 0.95,
  laterPosition: 0.85,
  notePosition: 0.5,
  accompanimentPosition: 0.6,
  extraTermPosition: 0.7,
  /** A query word after "with" counts this much of a food word. */
  sideWord: 0.25,
  /** ... and this much when the food's name has it after its own "with" ("X with Y" names that dish). */
  namedSideWord: 0.8,
  /** The segment naming the food is covered by the query. */
  headCovered: 2,
  /** The segment after it is covered instead ("Beverages, carbonated, cola" for "cola"). */
  nextCovered: 1,
  /** The query's first word is the name's first word. */
  leadingWord: 0.4,
  /** Two words of the query next to each other in the name, in the same order ("fried rice"). */
  adjacentWords: 0.6,
  /** Commonness from USDA's data. */
  survey: 0.5,
  portions: 0.3,
  completeness: 0.6,
  genericEntry: 0.6,
  /** An alcoholic drink when the query names none ("rice" is not sake). */
  unaskedAlcohol: 1.5,
  /** A name with a brand, when no brand was asked for. */
  unaskedBrand: 2.2,
  /** A dried food (a spice, dried fruit, a powder) when "fresh" was asked ("fresh coriander" is the leaves). */
  driedForFresh: 4.5,
  /** The query's main word found only qualifying another ("salad" in "Salad dressing", "egg" in "biscuit, with egg"). */
  headAsQualifier: 1.5,
  /** A food named after the one asked ("Salad dressing, coleslaw" for "coleslaw") when its kind was not asked. */
  namedAfterFood: 1.5,
  /** A word before another in its segment counts a little less than the same word as a noun. */
  modifierPosition: 0.95,
  /** A form that is not eaten as it is: raw meat or rice, a dry mix, condensed soup, unless asked. */
  unpreparedForm: 1.6,
  /** A cooked fruit or vegetable when nothing was said (raw is the default there). */
  cookedProduce: 0.6,
  /** A form other than the one asked ("raw" asked, cooked given; or the reverse). */
  otherForm: 1.2,
  /** When no food has every word of the query: having the word naming the food. */
  headWordKept: 1.5,
  /** What the query says the food is without ("chili no beans"): named so in the food ("Chili, no beans"), or had by it ("Chili with beans"). */
  lackingNamed: 1,
  lackingHad: 1,
} as const;

/** A word of this many foods' names or more is a kind of food, not a maker's name. */
const KIND_WORD_FOODS = 20;
/** ... and names this many unbranded foods as their noun ("Pizza, ..."), not a colour or a product line ("Red and White"). */
const KIND_NOUN_FOODS = 3;

const MATCH_EXACT = 0;
const MATCH_SYNONYM = 1;
const MATCH_PREFIX = 2;
const MATCH_FUZZY = 3;
/** Two edits away: "crossaint" for "croissant", "yoghourt" for "yogurt". */
const MATCH_FUZZY_FAR = 4;
/** Near in spelling but not starting alike: typing slips keep the first letter; "pringles" is not "singles". */
const MATCH_FUZZY_OTHER_START = 5;

/** A query word's candidate stems, each with how well it matches and how (MATCH_*). */
interface Expansion {
  stems: number[];
  weights: number[];
  kinds: number[];
}

interface Term {
  word: QueryWord;
  expansion: Expansion;
  /** Inverse document frequency: rarer words count more. */
  weight: number;
  required: boolean;
  /** Role factor: 1 for core and optional words, RANKING.sideWord for side words. */
  factor: number;
}

/** The space between two words of a query, with any stopwords in it ("cup of tea"): a pattern's text. */
const STOPWORD_GAP = `\\s+(?:(?:${[...STOPWORDS].join('|')})\\s+)*`;

/** How many foods a word must name for a brand's one-letter respelling of it to be read as it too (turkey 177, steak 480). */
const COINED_FROM_FOODS = 100;
const MAX_TERMS = 16;
/** Below the last kept score by more than this, a bound rules a food out (far above any rounding of the sums). */
const BOUND_MARGIN = 1e-6;
/** Bounds are worth their pass from this many candidates a result on. */
const BOUND_FROM = 4;
/** Terms a ceiling tells apart (a table of 2^n); any more count as present. */
const MASKED_TERMS = 8;
/** About how many words a name has, for choosing how to bound (postings or names). */
const POSITIONS_GUESS = 12;
const STATE_NEUTRAL = 0;
const STATE_UNPREPARED = 1;
const STATE_PREPARED = 2;
const STATE_RAW = 3;
const FOOD_COOK = 1;
const FOOD_RAW_DEFAULT = 2;
const FOOD_BRANDED = 4;
const FOOD_ALCOHOLIC = 8;
/** Filed under a kind and named after a food the catalog has in another group ("Salad dressing, coleslaw"). */
const FOOD_NAMED_AFTER = 16;
/** Filed under a kind ("Bread, naan", "Cookies, brownies") and named by the segment after it: see markFiledUnderKind. */
const FOOD_FILED_UNDER_KIND = 32;
/** Kept dried (profile.ts `dried`). */
const FOOD_DRIED = 64;
/** The stem of "fresh": asked, a dried food is another form. */
const FRESH_STEM = stem('fresh');
/** The words of the kinds foods are filed under ("salad dressing"): asking for one asks for what is named after a food. */
const FILING_STEMS = new Set([...CATEGORY_SEGMENTS].flatMap((segment) => segment.split(' ').map(stem)));
/** Options of the index. */
export interface FoodSearchIndexOptions {
  /**
   * How many typed words keep their expansions (synonyms, completions, spelling
   * neighbours) between queries: people reuse a small vocabulary. 0 turns it off
   * (the search benchmark measures both). Default EXPANSION_CACHE_SIZE.
   */
  expansionCacheSize?: number;
  /**
   * Whether candidates are ruled out by a bound on their score before they are scored
   * (default true). The results are the same either way; false scores every candidate, the
   * plain path the tests compare the bounded one with.
   */
  boundScores?: boolean;
  /**
   * Common English words (default: english.ts's list): a query word among them that the catalog
   * lacks is a word of its own, not a misspelling of a food word near it in spelling.
   */
  englishWords?: ReadonlySet<string>;
  /**
   * Other names of foods (default: food-synonyms.ts's foodSynonyms(), from WordNet; false for none):
   * a query word or phrase no food is named by, that one of these names for a food the catalog does
   * name, is searched as that name ("chevre" as "goat cheese"). Hand rules and known words win.
   */
  foodSynonyms?: FoodSynonyms | false;
}

/**
 * Expansions kept by default: the bundled catalog's names have 3,243 distinct words, which a
 * day's questions use as typed, as the last word still being typed, and misspelt; a stream
 * of 10,000 distinct questions made of them asks for about 4,900 expansions, and a cache
 * smaller than what a stream cycles through (4,096 did) drops each before it is asked again.
 * An expansion is a few hundred bytes.
 */
const EXPANSION_CACHE_SIZE = 16_384;

/** A letter mask: two words within edit distance d differ in at most 2d letters of it. */
function letterMask(word: string): number {
  let mask = 0;
  for (let i = 0; i < word.length; i++) {
    const c = word.charCodeAt(i) - 97;
    if (c >= 0 && c < 26) mask |= 1 << c;
  }
  return mask;
}

/** A word without its doubled letters and its plural or final "e" ("hummus", "humus" -> "humu"; "kiwis" -> "kiwi"). */
function spellingSkeleton(word: string): string {
  return stem(word.replace(/(.)\1+/g, '$1')).replace(/e?s?$/, '');
}

function popcount(n: number): number {
  n -= (n >>> 1) & 0x55555555;
  n = (n & 0x33333333) + ((n >>> 2) & 0x33333333);
  return (((n + (n >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24;
}

/**
 * An in-memory index over food names: built once from the catalog and answering a
 * query in microseconds. Foods are kept in flat typed arrays (a word is a number), so a
 * query touches only the foods listing its words and scores each in one pass.
 */
export class FoodSearchIndex {
  private readonly ids: string[] = [];
  private readonly nameLengths: number[] = [];
  private readonly stemIds = new Map<string, number>();
  private readonly stemTexts: string[] = [];
  /** Per food: its name words (stem ids), where each stands (profile.ts flags) and what it costs unasked. */
  private readonly positionStart: Int32Array;
  private readonly positionStem: Int32Array;
  private readonly positionFlags: Uint8Array;
  private readonly positionCost: Float32Array;
  private readonly extraStart: Int32Array;
  private readonly extraStem: Int32Array;
  private readonly headStart: Int32Array;
  private readonly headStem: Int32Array;
  private readonly nextStart: Int32Array;
  private readonly nextStem: Int32Array;
  private readonly headBrandStart: Int32Array;
  private readonly headBrandStem: Int32Array;
  private readonly leadingStem: Int32Array;
  private readonly firstStem: Int32Array;
  private readonly totalCost: Float32Array;
  private readonly prior: Float32Array;
  private readonly foodState: Uint8Array;
  private readonly foodKind: Uint8Array;
  /** What the food's group costs unasked (baby food, restaurant dishes), and the words that ask for it. */
  private readonly groupCost: Float32Array;
  private readonly groupOf: Uint8Array;
  private readonly groupNamedBy: Array<ReadonlySet<string>> = [new Set()];
  /** Whether a stem is mostly written as a brand ("cheerios", "kellogg"), not a food word that brands also use ("pizza"). */
  private brandStem: Uint8Array;
  /** How many unbranded foods a stem names as the noun of their naming segment ("pizza" in "Pizza, cheese topping"): a product line's words ("USDA Commodity", "Red and White") name none or one. */
  private readonly kindStem: Uint8Array;
  /** stem id -> foods whose name or other names have it, in index order. */
  private readonly postings: Int32Array[] = [];
  private readonly postingCost: Float64Array[] = [];
  /** Every distinct word as written, sorted (prefix look-ups), with its stem id. */
  private readonly surfaceWords: string[];
  private readonly surfaceStem: Int32Array;
  /** Surface word indexes by length, and their letter masks (typo look-ups). */
  private readonly surfaceByLength: number[][] = [];
  private readonly surfaceMask: Int32Array;
  private readonly expansionCache = new Map<string, Expansion>();
  /** compoundSplit's answers, kept as expansions are. */
  private readonly compoundCache = new Map<string, string>();
  private readonly expansionCacheSize: number;
  private readonly boundScores: boolean;
  /** Read on first need (english.ts): only a query word the catalog lacks asks for it. */
  private englishWords: ReadonlySet<string> | undefined;
  private readonly otherNames: FoodSynonyms | undefined;

  // Per-query scratch space, reused: a query's stems get a slot each.
  private generation = 0;
  private stemGeneration: Uint32Array;
  private stemSlot: Int32Array;
  // Typed arrays grown as a query needs more slots (plain arrays emptied and refilled on
  // every query were reallocated each time).
  private slotCapacity = 0;
  private slotCount = 0;
  /** Per candidate of a query: its score bound (rank). */
  private bounds = new Float64Array(0);
  private slotMask = new Int32Array(0);
  private slotStem = new Int32Array(0);
  private slotWeight = new Float64Array(0);
  private slotKind = new Int8Array(0);
  private slotBest = new Float64Array(0);
  /** How much of a matched word's cost its best term gives back: what the term counts (a side word counts little). */
  private slotRefund = new Float64Array(0);
  /** Per slot: its best weight as a side word ("with Y"), unscaled. */
  private slotSide = new Float64Array(0);
  private foodPass = 0;
  private foodGeneration: Uint32Array;
  private foodMask: Uint32Array;
  /** Per candidate (rank): the terms its words can match, and the cost of those words. */
  private foodMatchMask: Int32Array;
  private foodMatched: Float64Array;
  private readonly best = new Float64Array(MAX_TERMS);
  private readonly bestKind = new Int8Array(MAX_TERMS);
  private readonly bestFlags = new Int16Array(MAX_TERMS);
  private readonly bestPosition = new Int32Array(MAX_TERMS);
  /** The stem id of "mix" (a dry mix), or -1. */
  private mixStem = -1;
  private drinkStem = -1;
  /** Set by matchTerms: a brand of the food was asked for by name. */
  private brandAsked = false;
  /** Set by search for the query being answered: "fresh" was asked. */
  private freshAsked = false;
  /** What matchTerms found of the query's side words in the food's own "with ..." (their cost not yet refunded). */
  private sideRefund = 0;

  constructor(foods: Iterable<IndexableFood>, options: FoodSearchIndexOptions = {}) {
    this.expansionCacheSize = options.expansionCacheSize ?? EXPANSION_CACHE_SIZE;
    this.boundScores = options.boundScores ?? true;
    this.englishWords = options.englishWords;
    this.otherNames = options.foodSynonyms === false ? undefined : (options.foodSynonyms ?? foodSynonyms());
    const list = [...foods];
    const n = list.length;
    const panels = new Int32Array(n);
    // Completeness is relative to the catalog's largest panel: SR28's full release reports
    // up to 140 of its 150 nutrients for the best-studied foods, other datasets far fewer.
    let largestPanel = 1;
    for (let f = 0; f < n; f++) {
      const food = list[f]!;
      let size = food.nutrientCount ?? 0;
      if (food.nutrientCount === undefined && food.nutrients) for (const key in food.nutrients) if (key) size++;
      panels[f] = size;
      if (size > largestPanel) largestPanel = size;
    }

    const positionStem: number[] = [];
    const positionFlags: number[] = [];
    const positionCost: number[] = [];
    const extraStem: number[] = [];
    const headStem: number[] = [];
    const headBrandStem: number[] = [];
    const nextStem: number[] = [];
    this.nextStart = new Int32Array(n + 1);
    this.positionStart = new Int32Array(n + 1);
    this.extraStart = new Int32Array(n + 1);
    this.headStart = new Int32Array(n + 1);
    this.headBrandStart = new Int32Array(n + 1);
    this.leadingStem = new Int32Array(n);
    this.firstStem = new Int32Array(n);
    this.totalCost = new Float32Array(n);
    this.prior = new Float32Array(n);
    this.foodState = new Uint8Array(n);
    this.foodKind = new Uint8Array(n);
    this.groupCost = new Float32Array(n);
    this.groupOf = new Uint8Array(n);
    const groupIndex = new Map<ReadonlySet<string>, number>();
    const brandUses: number[] = [];
    const uses: number[] = [];
    const surface = new Set<string>();
    const postingLists: number[][] = [];
    const namedAfterFoods = new Set<number>();
    const kindStems: number[] = [];
    const idOf = (s: string): number => {
      let id = this.stemIds.get(s);
      if (id === undefined) {
        id = this.stemTexts.length;
        this.stemIds.set(s, id);
        this.stemTexts.push(s);
        postingLists.push([]);
      }
      return id;
    };

    for (let f = 0; f < n; f++) {
      const food = list[f]!;
      const profile = profileFood(food.name, food.foodGroup, food.searchTerms, food.water ?? food.nutrients?.water, food.portions);
      this.ids.push(food.id);
      this.nameLengths.push(food.name.length);
      this.positionStart[f] = positionStem.length;
      let total = 0;
      // A food is listed once per stem: the last food a stem's list got is this one or not.
      const post = (id: number): void => {
        const postings = postingLists[id]!;
        if (postings[postings.length - 1] !== f) postings.push(f);
      };
      for (let i = 0; i < profile.stems.length; i++) {
        const id = idOf(profile.stems[i]!);
        positionStem.push(id);
        positionFlags.push(profile.flags[i]!);
        positionCost.push(profile.costs[i]!);
        total += profile.costs[i]!;
        uses[id] = (uses[id] ?? 0) + 1;
        if (profile.flags[i]! & BRAND) brandUses[id] = (brandUses[id] ?? 0) + 1;
        post(id);
      }
      this.extraStart[f] = extraStem.length;
      for (const s of profile.extraStems) {
        const id = idOf(s);
        extraStem.push(id);
        post(id);
      }
      this.headStart[f] = headStem.length;
      for (const s of profile.headNeeded) headStem.push(idOf(s));
      // The noun naming an unbranded food ("Pizza, cheese topping": pizza; "Turkey, white": not "white" alone).
      if (!profile.branded && profile.headNeeded.length > 0) kindStems.push(idOf(profile.headNeeded[profile.headNeeded.length - 1]!));
      this.nextStart[f] = nextStem.length;
      for (const s of profile.nextNeeded) nextStem.push(idOf(s));
      this.headBrandStart[f] = headBrandStem.length;
      for (const s of profile.headBrands) headBrandStem.push(idOf(s));
      this.leadingStem[f] = profile.leading === undefined ? -1 : idOf(profile.leading);
      const first = profile.stems.find((s) => !CATEGORY_WORDS.has(s));
      this.firstStem[f] = first === undefined ? -1 : idOf(first);
      this.totalCost[f] = total;
      const portions = food.portionCount ?? food.portions?.length ?? 0;
      this.prior[f] =
        (food.survey ? RANKING.survey : 0) +
        RANKING.portions * Math.log2(1 + portions) +
        RANKING.completeness * (panels[f]! / largestPanel) +
        (profile.generic ? RANKING.genericEntry : 0);
      this.foodState[f] = { unprepared: STATE_UNPREPARED, prepared: STATE_PREPARED, raw: STATE_RAW, neutral: STATE_NEUTRAL }[profile.state];
      this.foodKind[f] =
        (profile.cookBeforeEating ? FOOD_COOK : 0) |
        (profile.rawByDefault ? FOOD_RAW_DEFAULT : 0) |
        (profile.branded ? FOOD_BRANDED : 0) |
        (profile.alcoholic ? FOOD_ALCOHOLIC : 0) |
        (profile.dried ? FOOD_DRIED : 0);
      if (profile.special) {
        let group = groupIndex.get(profile.special.namedBy);
        if (group === undefined) {
          group = this.groupNamedBy.push(profile.special.namedBy) - 1;
          groupIndex.set(profile.special.namedBy, group);
        }
        this.groupOf[f] = group;
        this.groupCost[f] = profile.special.cost;
      }
      if (profile.namedAfter) namedAfterFoods.add(f);
      for (const word of profile.words) surface.add(word);
      for (const word of profile.extraWords) surface.add(word);
    }
    // "Salad dressing, coleslaw" is named after coleslaw when the catalog has coleslaw in another group.
    const headGroups = new Map<string, Set<string>>();
    const namedAfter: number[] = [];
    for (let f = 0; f < n; f++) {
      const key = headStem.slice(this.headStart[f]!, f + 1 < n ? this.headStart[f + 1]! : headStem.length).join(' ');
      if (namedAfterFoods.has(f)) namedAfter.push(f);
      else {
        // By its head, and by the segment after it ("Milk, buttermilk, fluid": buttermilk).
        const next = nextStem.slice(this.nextStart[f]!, f + 1 < n ? this.nextStart[f + 1]! : nextStem.length).join(' ');
        for (const k of next ? [key, next] : [key]) {
          let groups = headGroups.get(k);
          if (!groups) headGroups.set(k, (groups = new Set()));
          groups.add(list[f]!.foodGroup);
        }
      }
    }
    for (const f of namedAfter) {
      const key = headStem.slice(this.headStart[f]!, f + 1 < n ? this.headStart[f + 1]! : headStem.length).join(' ');
      const groups = headGroups.get(key);
      if (groups && [...groups].some((g) => g !== (list[f]!.foodGroup))) this.foodKind[f]! |= FOOD_NAMED_AFTER;
    }
    this.markFiledUnderKind(n, headStem, nextStem, positionStem, positionFlags, positionCost);
    this.positionStart[n] = positionStem.length;
    this.extraStart[n] = extraStem.length;
    this.headStart[n] = headStem.length;
    this.headBrandStart[n] = headBrandStem.length;
    this.nextStart[n] = nextStem.length;
    this.nextStem = Int32Array.from(nextStem);
    this.positionStem = Int32Array.from(positionStem);
    this.positionFlags = Uint8Array.from(positionFlags);
    this.positionCost = Float32Array.from(positionCost);
    this.extraStem = Int32Array.from(extraStem);
    this.headStem = Int32Array.from(headStem);
    this.headBrandStem = Int32Array.from(headBrandStem);
    for (const postings of postingLists) this.postings.push(Int32Array.from(postings));

    this.surfaceWords = [...surface].sort();
    this.surfaceStem = new Int32Array(this.surfaceWords.length);
    this.surfaceMask = new Int32Array(this.surfaceWords.length);
    for (let i = 0; i < this.surfaceWords.length; i++) {
      const word = this.surfaceWords[i]!;
      this.surfaceStem[i] = idOf(stem(word));
      this.surfaceMask[i] = letterMask(word);
      (this.surfaceByLength[word.length] ??= []).push(i);
    }
    while (this.postings.length < this.stemTexts.length) this.postings.push(new Int32Array(0));
    // Per posting: the cost of the stem's words in that food's name (not negated), as score refunds them.
    const cursor = new Int32Array(this.stemTexts.length);
    for (const postings of this.postings) this.postingCost.push(new Float64Array(postings.length));
    for (let f = 0; f < n; f++) {
      for (let p = this.positionStart[f]!, end = this.positionStart[f + 1]!; p < end; p++) {
        const stemId = this.positionStem[p]!;
        const postings = this.postings[stemId]!;
        while (postings[cursor[stemId]!]! < f) cursor[stemId]!++;
        if (!(this.positionFlags[p]! & NEGATED)) this.postingCost[stemId]![cursor[stemId]!]! += this.positionCost[p]!;
      }
    }
    this.brandStem = new Uint8Array(this.stemTexts.length);
    this.kindStem = new Uint8Array(this.stemTexts.length);
    for (const id of kindStems) if (this.kindStem[id]! < 255) this.kindStem[id]!++;
    // 1: mostly written as a brand; 2: only ever written as one ("mcdonalds"), not a food word brands also use ("burger" in "BURGER KING").
    for (let id = 0; id < this.stemTexts.length; id++) if ((brandUses[id] ?? 0) * 2 >= (uses[id] ?? 1) && (brandUses[id] ?? 0) > 0) this.brandStem[id] = brandUses[id] === uses[id] ? 2 : 1;

    this.mixStem = this.stemIds.get(stem('mix')) ?? -1;
    this.drinkStem = this.stemIds.get(stem('drink')) ?? -1;
    this.stemGeneration = new Uint32Array(this.stemTexts.length);
    this.stemSlot = new Int32Array(this.stemTexts.length);
    this.foodGeneration = new Uint32Array(n);
    this.foodMask = new Uint32Array(n);
    this.foodMatchMask = new Int32Array(n);
    this.foodMatched = new Float64Array(n);
  }

  /**
   * USDA files some foods under a kind ("Bread, naan", "Cookies, brownies", "Crackers, saltines"):
   * the kind, one word that would make another food a product of it ("Bread, banana"), then the
   * food's own name. When that name names no other food of the catalog (there is no naan but the
   * bread), the food is what its name says: the kind costs no more than a category word, and the
   * segment after it counts as the one naming the food (score, isClose).
   */
  // The segment after the kind must follow it directly ("Sauce, fish, ready-to-serve" names no ready-to-serve).
  private markFiledUnderKind(n: number, headStem: number[], nextStem: number[], positionStem: number[], positionFlags: number[], positionCost: number[]): void {
    const range = (start: Int32Array, all: number[], f: number): [number, number] => [start[f]!, f + 1 < n ? start[f + 1]! : all.length];
    // Every word naming an unbranded food: a food's own name must be none of them ("custard" is a dessert, "beef" a meat).
    const naming = new Set<number>();
    for (let f = 0; f < n; f++) {
      if (this.foodKind[f]! & FOOD_BRANDED) continue;
      const [a, b] = range(this.headStart, headStem, f);
      for (let p = a; p < b; p++) naming.add(headStem[p]!);
      // And the word USDA files it under ("Fish, cod", "Duck, domesticated"): "Sauce, fish" is no fish.
      naming.add(positionStem[range(this.positionStart, positionStem, f)[0]]!);
    }
    for (let f = 0; f < n; f++) {
      const [a, b] = range(this.headStart, headStem, f);
      if (b - a !== 1 || !IDENTITY_WORDS.has(this.stemTexts[headStem[a]!]!)) continue;
      const kind = headStem[a]!;
      const [c, d] = range(this.nextStart, nextStem, f);
      if (c === d) continue;
      let own = true;
      for (let p = c; p < d && own; p++) if (naming.has(nextStem[p]!)) own = false;
      if (!own) continue;
      // The kind is the name's first word, alone before its comma ("Bread, naan"; not "Chicken, broilers or fryers, back").
      const p = range(this.positionStart, positionStem, f)[0];
      if (positionStem[p] !== kind || !(positionFlags[p]! & HEAD) || !(p + 1 < positionStem.length && positionFlags[p + 1]! & NEXT)) continue;
      this.totalCost[f] = this.totalCost[f]! - positionCost[p]! + WORD_COST.category;
      positionCost[p] = WORD_COST.category;
      this.foodKind[f]! |= FOOD_FILED_UNDER_KIND;
    }
  }

  get size(): number {
    return this.ids.length;
  }

  private idf(stemId: number): number {
    const df = this.postings[stemId]?.length ?? 0;
    return Math.log(1 + this.ids.length / (1 + df));
  }

  /** The stems a typed word may match: itself, synonyms, what it may be the start of, near spellings. */
  private expand(word: string, last: boolean): Expansion {
    const key = last ? `${word}|` : word;
    const cached = this.expansionCache.get(key);
    if (cached) return cached;
    const found = new Map<number, { weight: number; kind: number }>();
    const offer = (stemId: number | undefined, weight: number, kind: number): void => {
      if (stemId === undefined || (this.postings[stemId]?.length ?? 0) === 0) return;
      const known = found.get(stemId);
      if (!known || known.weight < weight) found.set(stemId, { weight, kind });
    };
    const s = stem(word);
    const own = this.stemIds.get(s);
    offer(own, RANKING.exactMatch, MATCH_EXACT);
    for (const synonym of WORD_SYNONYMS[s] ?? []) offer(this.stemIds.get(synonym), RANKING.synonymMatch, MATCH_SYNONYM);
    const known = found.size > 0;
    // Words still being typed: "bana" -> "banana". From 2 letters on the last word, 3 elsewhere.
    if (word.length >= (last ? 2 : 3) && !/^\d/.test(word)) {
      const weight = known ? RANKING.prefixOfKnownWord : RANKING.prefixMatch;
      for (const index of this.wordsStartingWith(word)) {
        const stemId = this.surfaceStem[index]!;
        if (this.surfaceWords[index] !== word && stemId !== own) offer(stemId, weight, MATCH_PREFIX);
      }
    }
    // Typos: only when the word itself is unknown, so a real word is never "corrected", or known
    // only as a brand's coinage ("Turk'y Burger", "Swiss Stake") one letter from one of the
    // catalog's commonest food words: "turky", "stake" are also turkey, steak (not shake).
    const coinage = found.size > 0 && own !== undefined && this.onlyBrandsSpell(own);
    if ((found.size === 0 || coinage) && word.length >= 4 && !/\d/.test(word)) {
      const max = word.length >= 8 ? 2 : 1;
      const mask = letterMask(word);
      for (let length = word.length - max; length <= word.length + max; length++) {
        for (const index of this.surfaceByLength[length] ?? []) {
          if (popcount(mask ^ this.surfaceMask[index]!) > 2 * max) continue;
          const d = editDistanceWithin(word, this.surfaceWords[index]!, max);
          if (d > max) continue;
          const kind = this.surfaceWords[index]!.charCodeAt(0) !== word.charCodeAt(0) ? MATCH_FUZZY_OTHER_START : d === 1 ? MATCH_FUZZY : MATCH_FUZZY_FAR;
          if (coinage && (kind !== MATCH_FUZZY || this.postings[this.surfaceStem[index]!]!.length < COINED_FROM_FOODS)) continue;
          offer(this.surfaceStem[index]!, d === 1 ? RANKING.fuzzyMatch1 : RANKING.fuzzyMatch2, kind);
        }
      }
    }
    // Synonyms of what a prefix or typo expanded to ("oatmeel" -> "oatmeal" -> "oat").
    for (const [stemId, { weight, kind }] of [...found]) {
      if (kind === MATCH_EXACT || kind === MATCH_SYNONYM) continue;
      for (const synonym of WORD_SYNONYMS[this.stemTexts[stemId]!] ?? []) offer(this.stemIds.get(synonym), weight * RANKING.synonymMatch, kind);
    }
    const expansion: Expansion = { stems: [], weights: [], kinds: [] };
    for (const [stemId, { weight, kind }] of found) {
      expansion.stems.push(stemId);
      expansion.weights.push(weight);
      expansion.kinds.push(kind);
    }
    if (this.expansionCacheSize > 0) {
      if (this.expansionCache.size >= this.expansionCacheSize) this.expansionCache.delete(this.expansionCache.keys().next().value!);
      this.expansionCache.set(key, expansion);
    }
    return expansion;
  }

  /**
   * What food `f`'s name says of the stems the query says it is without: each it names as lacking
   * ("Chili, no beans") earns RANKING.lackingNamed, each it has ("Chili with beans") costs RANKING.lackingHad.
   */
  private lackingScore(f: number, lacking: readonly number[]): number {
    let score = 0;
    for (const stemId of lacking) {
      let named = false;
      let had = false;
      for (let p = this.positionStart[f]!, end = this.positionStart[f + 1]!; p < end; p++) {
        if (this.positionStem[p] !== stemId) continue;
        if (this.positionFlags[p]! & NEGATED) named = true;
        else had = true;
      }
      if (named) score += RANKING.lackingNamed;
      else if (had) score -= RANKING.lackingHad;
    }
    return score;
  }

  /** Whether the stem is in the names of no more than two foods, each a brand's product. */
  private onlyBrandsSpell(stemId: number): boolean {
    const foods = this.postings[stemId]!;
    if (foods.length > 2) return false;
    for (const f of foods) if (!(this.foodKind[f]! & FOOD_BRANDED)) return false;
    return true;
  }

  private wordsStartingWith(prefix: string): number[] {
    const list = this.surfaceWords;
    let low = 0;
    let high = list.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if (list[mid]! < prefix) low = mid + 1;
      else high = mid;
    }
    const found: number[] = [];
    for (let i = low; i < list.length && list[i]!.startsWith(prefix) && found.length < 200; i++) found.push(i);
    return found;
  }

  /** The query's words as terms with their expansions; words the catalog has nothing for are returned apart. */
  private terms(parsed: ParsedQuery): { terms: Term[]; unknown: QueryWord[] } {
    const terms: Term[] = [];
    const unknown: QueryWord[] = [];
    const list = parsed.words;
    for (let i = 0; i < list.length && terms.length < MAX_TERMS; i++) {
      let word = list[i]!;
      // "hash browns from mcdonalds": a brand after "from" is the brand asked, not a side.
      if (word.afterFrom) {
        const id = this.stemIds.get(word.stem);
        if (id !== undefined && this.brandStem[id] === 2) word = { ...word, role: 'core', weight: 1 };
      }
      let expansion = this.expand(word.text, word.last);
      // "soy milk" also matches "Soymilk": two words the catalog writes as one.
      for (let side = 0; side < 2; side++) {
        const other = side === 0 ? list[i + 1] : list[i - 1];
        if (!other || other.role !== word.role) continue;
        const joined = side === 0 ? `${word.text}${other.text}` : `${other.text}${word.text}`;
        const id = this.stemIds.get(stem(joined));
        if (id === undefined || (this.postings[id]?.length ?? 0) === 0) continue;
        const at = expansion.stems.indexOf(id);
        if (at === -1) {
          expansion = { stems: [...expansion.stems, id], weights: [...expansion.weights, RANKING.synonymMatch], kinds: [...expansion.kinds, MATCH_SYNONYM] };
        } else if (expansion.weights[at]! < RANKING.synonymMatch) {
          // "soy" began "soymilk"; with "milk" after it, it is the word itself.
          expansion = { stems: [...expansion.stems], weights: [...expansion.weights], kinds: [...expansion.kinds] };
          expansion.weights[at] = RANKING.synonymMatch;
          expansion.kinds[at] = MATCH_SYNONYM;
        }
      }
      if (expansion.stems.length === 0) {
        unknown.push(word);
        continue;
      }
      // A word weighs what its own stem weighs when known; a typo or a prefix weighs what
      // its most common reading weighs, so a rare look-alike never outweighs the real word.
      const own = this.stemIds.get(word.stem);
      let weight: number;
      if (own !== undefined && expansion.stems.includes(own)) weight = this.idf(own);
      else {
        weight = Infinity;
        for (const stemId of expansion.stems) weight = Math.min(weight, this.idf(stemId));
      }
      terms.push({ word, expansion, weight, required: word.role === 'core', factor: word.role === 'side' ? RANKING.sideWord : word.weight });
    }
    return { terms, unknown };
  }

  /** Gives each stem of the query a slot: which terms it serves, how well, and how. */
  private loadSlots(terms: Term[]): void {
    this.generation = (this.generation + 1) >>> 0;
    if (this.generation === 0) {
      this.stemGeneration.fill(0);
      this.generation = 1;
    }
    const gen = this.generation;
    let slots = 0;
    const used = terms.length;
    for (let t = 0; t < terms.length; t++) {
      const { stems, weights, kinds } = terms[t]!.expansion;
      for (let i = 0; i < stems.length; i++) {
        const stemId = stems[i]!;
        let slot: number;
        if (this.stemGeneration[stemId] === gen) slot = this.stemSlot[stemId]!;
        else {
          slot = slots++;
          if (slot >= this.slotCapacity) this.growSlots(slot + 1);
          this.stemGeneration[stemId] = gen;
          this.stemSlot[stemId] = slot;
          this.slotStem[slot] = stemId;
          this.slotMask[slot] = 0;
          this.slotBest[slot] = 0;
          this.slotRefund[slot] = 0;
          this.slotSide[slot] = 0;
          // Only the columns of this query's terms are read (a term's bit is set before its column is).
          for (let k = 0; k < used; k++) {
            this.slotWeight[slot * MAX_TERMS + k] = 0;
            this.slotKind[slot * MAX_TERMS + k] = 0;
          }
        }
        this.slotMask[slot]! |= 1 << t;
        if (weights[i]! > this.slotWeight[slot * MAX_TERMS + t]!) {
          this.slotWeight[slot * MAX_TERMS + t] = weights[i]!;
          this.slotKind[slot * MAX_TERMS + t] = kinds[i]!;
        }
        const counted = weights[i]! * terms[t]!.factor;
        if (counted > this.slotBest[slot]!) this.slotBest[slot] = counted;
        if (terms[t]!.factor > this.slotRefund[slot]!) this.slotRefund[slot] = Math.min(1, terms[t]!.factor);
        if (terms[t]!.word.role === 'side') this.slotSide[slot] = Math.max(this.slotSide[slot]!, weights[i]!);
      }
    }
    this.slotCount = slots;
  }

  private growSlots(needed: number): void {
    let capacity = Math.max(64, this.slotCapacity * 2);
    while (capacity < needed) capacity *= 2;
    const grow = <T extends Int32Array | Float64Array | Int8Array>(old: T, make: (n: number) => T, width: number): T => {
      const next = make(capacity * width);
      next.set(old);
      return next;
    };
    this.slotMask = grow(this.slotMask, (n) => new Int32Array(n), 1);
    this.slotStem = grow(this.slotStem, (n) => new Int32Array(n), 1);
    this.slotBest = grow(this.slotBest, (n) => new Float64Array(n), 1);
    this.slotRefund = grow(this.slotRefund, (n) => new Float64Array(n), 1);
    this.slotSide = grow(this.slotSide, (n) => new Float64Array(n), 1);
    this.slotWeight = grow(this.slotWeight, (n) => new Float64Array(n), MAX_TERMS);
    this.slotKind = grow(this.slotKind, (n) => new Int8Array(n), MAX_TERMS);
    this.slotCapacity = capacity;
  }

  /**
   * The foods having every term of `requiredMask`: the rarest term's foods, narrowed by
   * the others. Marks each touched food with the terms it has (foodMask).
   */
  private nextFoodPass(): number {
    this.foodPass = (this.foodPass + 1) >>> 0;
    if (this.foodPass === 0) {
      this.foodGeneration.fill(0);
      this.foodPass = 1;
    }
    return this.foodPass;
  }

  private candidates(terms: Term[], requiredMask: number): number[] {
    let rarest = -1;
    let rarestSize = Infinity;
    const termFoods = (t: number): number => {
      let size = 0;
      for (const stemId of terms[t]!.expansion.stems) size += this.postings[stemId]!.length;
      return size;
    };
    for (let t = 0; t < terms.length; t++) {
      if (!(requiredMask & (1 << t))) continue;
      const size = termFoods(t);
      if (size < rarestSize) {
        rarestSize = size;
        rarest = t;
      }
    }
    if (rarest === -1) return [];
    const gen = this.nextFoodPass();
    const touched: number[] = [];
    for (const stemId of terms[rarest]!.expansion.stems) {
      for (const f of this.postings[stemId]!) {
        if (this.foodGeneration[f] !== gen) {
          this.foodGeneration[f] = gen;
          this.foodMask[f] = 0;
          touched.push(f);
        }
        this.foodMask[f]! |= 1 << rarest;
      }
    }
    for (let t = 0; t < terms.length; t++) {
      if (t === rarest || !(requiredMask & (1 << t))) continue;
      const bit = 1 << t;
      for (const stemId of terms[t]!.expansion.stems) {
        for (const f of this.postings[stemId]!) if (this.foodGeneration[f] === gen) this.foodMask[f]! |= bit;
      }
    }
    // Kept in place, in order (no second array).
    let kept = 0;
    for (let i = 0; i < touched.length; i++) {
      const f = touched[i]!;
      if ((this.foodMask[f]! & requiredMask) === requiredMask) touched[kept++] = f;
    }
    touched.length = kept;
    return touched;
  }

  /**
   * When no food has every required term: the foods having the most of them, and the foods
   * having the most of them among those with the word naming the food (`headTerm`), so that
   * "new york cheesecake" still weighs a cheesecake against a New York strip steak.
   */
  private bestCoverage(terms: Term[], requiredMask: number, headTerm = -1): number[] {
    const gen = this.nextFoodPass();
    const touched: number[] = [];
    for (let t = 0; t < terms.length; t++) {
      if (!(requiredMask & (1 << t))) continue;
      for (const stemId of terms[t]!.expansion.stems) {
        for (const f of this.postings[stemId]!) {
          if (this.foodGeneration[f] !== gen) {
            this.foodGeneration[f] = gen;
            this.foodMask[f] = 0;
            touched.push(f);
          }
          this.foodMask[f]! |= 1 << t;
        }
      }
    }
    // Most terms first; among equals, the terms that weigh most (the rarer words).
    let bestWeight = -1;
    let kept: number[] = [];
    let bestHeadWeight = -1;
    let keptHead: number[] = [];
    const headBit = headTerm >= 0 ? 1 << headTerm : 0;
    const weights = new Map<number, number>();
    for (const f of touched) {
      const mask = this.foodMask[f]!;
      let weight = weights.get(mask);
      if (weight === undefined) {
        weight = 0;
        for (let t = 0; t < terms.length; t++) if (mask & (1 << t)) weight++;
        weights.set(mask, weight);
      }
      if (weight > bestWeight) {
        bestWeight = weight;
        kept = [f];
      } else if (weight === bestWeight) kept.push(f);
      if (!(mask & headBit)) continue;
      if (weight > bestHeadWeight) {
        bestHeadWeight = weight;
        keptHead = [f];
      } else if (weight === bestHeadWeight) keptHead.push(f);
    }
    if (bestHeadWeight < bestWeight && keptHead.length > 0) kept.push(...keptHead);
    return kept;
  }

  /**
   * The best `limit` foods for what a person typed, best first, each with how it matched,
   * and whether the first is a close match.
   *
   * @example
   *   index.search('a bowl of oatmeal with milk', 3) // { hits: [{ id: 'sr-08121', match: 'exact', ... }, ...], closeMatch: true }
   */
  search(query: string, limit = 3): SearchResult {
    if (limit <= 0) return { hits: [], closeMatch: false };
    const parsed = this.parseWithCompounds(query);
    const { terms, unknown } = this.terms(parsed);
    const coreUnknown = unknown.some((w) => w.role === 'core');
    if (!terms.some((t) => t.required)) {
      // Only qualifiers or side words were recognised: let them find what they can.
      for (const term of terms) term.required = term.word.role !== 'side' || terms.every((t) => t.word.role === 'side');
    }
    if (!terms.some((t) => t.required)) return { hits: [], closeMatch: false };
    this.loadSlots(terms);

    let requiredMask = 0;
    for (let t = 0; t < terms.length; t++) if (terms[t]!.required) requiredMask |= 1 << t;
    let found = this.candidates(terms, requiredMask);
    let phase: 'all' | 'first' | 'most' = 'all';
    let firstMask = 0;
    for (let t = 0; t < terms.length; t++) if (terms[t]!.required && !terms[t]!.word.secondConjunct) firstMask |= 1 << t;
    const firstOnly = (): boolean => {
      // "X and Y" as X, Y counting as a side.
      if (firstMask === 0 || firstMask === requiredMask) return false;
      const firstFound = this.candidates(terms, firstMask);
      if (firstFound.length === 0) return false;
      found = firstFound;
      phase = 'first';
      for (const term of terms) if (term.word.secondConjunct) {
        term.required = false;
        term.factor = RANKING.sideWord;
      }
      return true;
    };
    if (found.length === 0) {
      // "X and Y" with no dish of both: X is what was eaten first named; Y counts as a side.
      if (!firstOnly()) {
        found = this.bestCoverage(terms, requiredMask, terms.findIndex((t) => t.word === parsed.words[parsed.head]));
        phase = 'most';
      }
    }

    const leadingTerm = terms.findIndex((t) => t.word.role === 'core');
    let namedGroups = 0;
    for (let g = 1; g < this.groupNamedBy.length; g++) if (parsed.words.some((w) => this.groupNamedBy[g]!.has(w.stem))) namedGroups |= 1 << g;
    const alcohol = parsed.words.some((w) => ALCOHOL_REQUEST_WORDS.has(w.stem));
    const filingAsked = parsed.words.some((w) => FILING_STEMS.has(w.stem));
    this.freshAsked = parsed.words.some((w) => w.stem === FRESH_STEM);
    const lacking: number[] = [];
    for (const s of parsed.lacking) {
      const id = this.stemIds.get(s);
      if (id !== undefined && this.postings[id]!.length > 0) lacking.push(id);
    }
    const rank = (): { best: Array<{ index: number; score: number }>; headTerm: number; headWord: QueryWord | undefined } => {
      let headWord = parsed.words[phase === 'first' ? parsed.firstHead : parsed.head];
      // No drink has both of "vodka soda", "rum and coke": the spirit is the drink, the other its mixer.
      if (phase === 'most' && headWord && !ALCOHOL_REQUEST_WORDS.has(headWord.stem)) {
        const spirit = parsed.words.find((w) => w.role === 'core' && ALCOHOL_REQUEST_WORDS.has(w.stem));
        if (spirit) headWord = spirit;
      }
      const headTerm = terms.findIndex((t) => t.word === headWord);
      const best: Array<{ index: number; score: number }> = [];
      const consider = (f: number): void => {
        let score = this.score(f, terms, leadingTerm, headTerm, parsed.state, namedGroups, alcohol, filingAsked);
        // No food has every word: the one with the word naming the food comes first ("cherry tomatoes": tomatoes).
        if (phase === 'most' && headTerm >= 0 && this.best[headTerm]! > 0) score += RANKING.headWordKept;
        if (lacking.length > 0) score += this.lackingScore(f, lacking);
        if (best.length === limit && !this.ranksBefore(score, f, best[best.length - 1]!)) return;
        // Keep the best `limit` in order: a short insertion beats sorting every candidate.
        let at = best.length;
        while (at > 0 && this.ranksBefore(score, f, best[at - 1]!)) at--;
        best.splice(at, 0, { index: f, score });
        if (best.length > limit) best.pop();
      };
      if (!this.boundScores || found.length <= limit * BOUND_FROM) {
        for (const f of found) consider(f);
        return { best, headTerm, headWord };
      }
      // Most of a broad word's foods ("beef": 1,144) cannot enter the best `limit`: each gets a
      // bound on its score first (never below it), the foods of the highest bounds are scored
      // first, and then a food only when its bound reaches the last score kept. Scoring in
      // another order keeps the same results (ranksBefore is a total order).
      const ceilings = this.ceilings(terms, leadingTerm, (phase === 'most' && headTerm >= 0 ? RANKING.headWordKept : 0) + (lacking.length > 0 ? RANKING.lackingNamed * lacking.length : 0));
      const brandPossible = this.brandPossible(terms);
      if (this.bounds.length < found.length) this.bounds = new Float64Array(Math.max(found.length, this.bounds.length * 2));
      const bounds = this.bounds;
      const seeds: number[] = [];
      // What each food's words match and cost: from the postings of the query's stems when
      // they list fewer foods than the candidates have name words, else from each name.
      let listed = 0;
      for (let slot = 0; slot < this.slotCount; slot++) listed += this.postings[this.slotStem[slot]!]!.length;
      const fromPostings = listed < found.length * POSITIONS_GUESS;
      if (fromPostings) this.matchFromPostings(found);
      for (let i = 0; i < found.length; i++) {
        const f = found[i]!;
        const bound = fromPostings
          ? this.foodCeiling(f, ceilings, this.foodMatchMask[f]!, this.foodMatched[f]!, parsed.state, namedGroups, alcohol, filingAsked, brandPossible)
          : this.scoreBound(f, ceilings, parsed.state, namedGroups, alcohol, filingAsked, brandPossible);
        bounds[i] = bound;
        if (seeds.length === limit && bound <= bounds[seeds[limit - 1]!]!) continue;
        let at = seeds.length;
        while (at > 0 && bound > bounds[seeds[at - 1]!]!) at--;
        seeds.splice(at, 0, i);
        if (seeds.length > limit) seeds.pop();
      }
      for (const i of seeds) {
        consider(found[i]!);
        bounds[i] = -Infinity;
      }
      for (let i = 0; i < found.length; i++) {
        const bound = bounds[i]!;
        if (bound === -Infinity || (best.length === limit && bound < best[limit - 1]!.score - BOUND_MARGIN)) continue;
        consider(found[i]!);
      }
      return { best, headTerm, headWord };
    };
    let { best, headTerm, headWord } = rank();
    // "bacon and eggs" is two foods, not the sandwich that has both: the dish must be named by both.
    if (phase === 'all' && firstMask !== 0 && firstMask !== requiredMask && best.length > 0 && !this.namesBoth(best[0]!.index, terms) && firstOnly()) ({ best, headTerm, headWord } = rank());
    // A qualifier only a brand's products or a dry mix have ("fudge brownie"): the plain food competes too.
    let relaxed = false;
    if (phase === 'all' && headTerm >= 0 && best.length > 0) {
      const widened = this.withoutProductOnlyWords(terms, requiredMask, headTerm, found);
      if (widened) {
        found = widened;
        relaxed = true;
        ({ best, headTerm, headWord } = rank());
      }
    }
    const hits = best.map((r) => {
      let match = this.matchOf(r.index, terms, coreUnknown || phase === 'most');
      // matchOf has matched the food's words: one lacking a word let go is a partial match.
      if (relaxed && match === 'exact' && terms.some((term, t) => term.word.role === 'core' && !term.required && this.bestKind[t] === -1)) match = 'partial';
      return { id: this.ids[r.index]!, score: Math.round(r.score * 1000) / 1000, match };
    });
    // A flavour let go is missing; the plain food is close ("fudge brownie": brownies), one of another flavour is not ("chocolate muffin": blueberry).
    // A first food that has every word let go lacks nothing ("instant grits": QUAKER's instant grits, plain).
    const close =
      best.length > 0 && this.isClose(best[0]!.index, terms, headTerm, headWord, unknown) && !(relaxed && hits[0]!.match !== 'exact' && this.namesAnotherVariety(best[0]!.index));
    return { hits, closeMatch: close };
  }

  /** Whether food \`f\`'s naming segment or the next has a word of its own the query did not ask ("Muffins, blueberry"). */
  private namesAnotherVariety(f: number): boolean {
    for (let p = this.positionStart[f]!, end = this.positionStart[f + 1]!; p < end; p++) {
      const flags = this.positionFlags[p]!;
      if (!(flags & (HEAD | NEXT)) || flags & (NOTE | ACCOMPANIMENT | ALIAS)) continue;
      // A word of its own (what an ordinary word costs; kept in 32 bits), not a variety such as "frozen".
      if (Math.abs(this.positionCost[p]! - WORD_COST.other) < 1e-3 && this.stemGeneration[this.positionStem[p]!] !== this.generation) return true;
    }
    return false;
  }

  /**
   * When every food having all the query's words is a product of a brand the query did not name
   * or a form still to be made up (a dry mix), and the words other than the one naming the food
   * are flavours or varieties (vocabulary.ts VARIETY_WORDS) only those products add ("fudge brownie": KEEBLER's FUDGE SHOPPE brownies and fudge
   * brownie mixes), those words stop being required: the foods of the naming word are returned
   * with the others (to be ranked by the same score, the products keeping what the words earn
   * them), and the words' terms are marked not required (the result is a partial match). Null
   * when the query is not such a case.
   */
  private withoutProductOnlyWords(terms: Term[], requiredMask: number, headTerm: number, found: number[]): number[] | null {
    if (!(requiredMask & (1 << headTerm)) || (requiredMask & ~(1 << headTerm)) === 0) return null;
    // Only flavours and varieties ("fudge", "caramel"), not what makes another product ("protein shake", "sparkling water").
    for (let t = 0; t < terms.length; t++) if (t !== headTerm && requiredMask & (1 << t) && !VARIETY_WORDS.has(terms[t]!.word.stem)) return null;
    for (const f of found) if (!(this.foodKind[f]! & FOOD_BRANDED) && this.foodState[f] !== STATE_UNPREPARED) return null;
    // Not when the query names the brand ("keebler brownies"): then its products are what was asked.
    for (const f of found) {
      this.matchTerms(f, terms);
      if (this.brandAsked) return null;
    }
    const widened = this.candidates(terms, 1 << headTerm);
    if (widened.length <= found.length) return null;
    for (let t = 0; t < terms.length; t++) if (t !== headTerm && terms[t]!.required && terms[t]!.word.role === 'core') terms[t]!.required = false;
    return widened;
  }

  /**
   * Whether food `f` is the dish "X and Y" names: every food word of the query is in the
   * same segment, the one naming it or the next ("Macaroni and cheese"; "Restaurant, family
   * style, spaghetti and meatballs"), comes after its "with" ("Beans, baked, with pork"), or
   * is another name of it; not split between the food and its variety ("Bread, egg") or
   * two segments ("McDONALD'S, Bacon, Egg & Cheese McGRIDDLES").
   */
  private namesBoth(f: number, terms: Term[]): boolean {
    this.matchTerms(f, terms);
    // "X and Y" written as one phrase of the name, the last word of X just before the first of Y in
    // the same segment ("Snacks, potato chips, sour-cream-and-onion-flavor").
    let lastOfFirst = -1;
    let firstOfSecond = -1;
    for (let t = 0; t < terms.length; t++) {
      if (!terms[t]!.required || terms[t]!.word.role !== 'core') continue;
      if (!terms[t]!.word.secondConjunct) lastOfFirst = t;
      else if (firstOfSecond === -1) firstOfSecond = t;
    }
    if (lastOfFirst >= 0 && firstOfSecond > lastOfFirst) {
      const a = this.bestPosition[lastOfFirst]!;
      const b = this.bestPosition[firstOfSecond]!;
      const flagsA = this.bestFlags[lastOfFirst]!;
      const flagsB = this.bestFlags[firstOfSecond]!;
      const sameSegment = flagsA & (HEAD | NEXT) ? (flagsA & (HEAD | NEXT)) === (flagsB & (HEAD | NEXT)) : (flagsA & MODIFIER) !== 0 && !(flagsB & (HEAD | NEXT));
      if (a >= 0 && b === a + 1 && sameSegment && !((flagsA | flagsB) & (ACCOMPANIMENT | ALIAS | NOTE))) return true;
    }
    let segments = 0;
    for (let t = 0; t < terms.length; t++) {
      if (!terms[t]!.required || terms[t]!.word.role !== 'core' || this.bestPosition[t]! < 0) continue;
      const flags = this.bestFlags[t]!;
      if (flags & (ACCOMPANIMENT | ALIAS | NOTE)) continue;
      if (!(flags & (HEAD | NEXT))) return false;
      segments |= flags & (HEAD | NEXT);
    }
    // One segment names the dish ("Restaurant, family style, spaghetti and meatballs"), not two.
    return segments !== (HEAD | NEXT);
  }

  /** Whether the catalog has foods with this stem, or a synonym of it. */
  private knows(word: string): boolean {
    const s = stem(word);
    const id = this.stemIds.get(s);
    if (id !== undefined && this.postings[id]!.length > 0) return true;
    return (WORD_SYNONYMS[s] ?? []).some((other) => (this.postings[this.stemIds.get(other) ?? -1]?.length ?? 0) > 0);
  }

  /**
   * Reads the query; a word the catalog lacks that is two words it has written together
   * ("cornflakes", "peanutbutter", "icecream") is read as the two words. Not the last
   * word while some name word still starts with it (it may be being typed).
   */
  private parseWithCompounds(query: string): ParsedQuery {
    const parsed = parseQuery(query);
    let text: string | undefined;
    for (const word of parsed.words) {
      const w = word.text;
      if (word.role !== 'core' || w.length < 6) continue;
      const split = this.compoundSplit(w, word.last);
      if (split !== '') text = (text ?? words(normalize(query)).join(' ')).replace(new RegExp(`\\b${w}\\b`), split);
    }
    const read = text === undefined ? parsed : parseQuery(text);
    const renamed = this.withOtherNames(read, text ?? words(normalize(query)).join(' '));
    return renamed === undefined ? read : parseQuery(renamed);
  }

  /**
   * The query's text with each word or phrase no food of the catalog is named by, that is another
   * name (same WordNet synset) of a food it does name, written as that name ("chevre" -> "goat
   * cheese"); undefined when there is none or the index has no such names. What the hand rules read (PHRASE_REWRITES,
   * WORD_SYNONYMS) is known and left to them; a word known only by spelling distance is not.
   */
  private withOtherNames(parsed: ParsedQuery, text: string): string | undefined {
    const other = this.otherNames;
    if (other === undefined) return undefined;
    const list = parsed.words;
    let renamed: string | undefined;
    for (let i = 0; i < list.length; i++) {
      if (!other.firstStems.has(list[i]!.stem)) continue;
      for (let n = Math.min(other.longest, list.length - i); n >= 1; n--) {
        const phrase = list.slice(i, i + n);
        const target = other.names.get(phrase.map((w) => w.stem).join(' '));
        if (target === undefined || phrase.some((w) => w.role !== phrase[0]!.role)) continue;
        // Known: a word the catalog has (or a hand synonym of it), a phrase some food has every word
        // of, or a word the catalog has written together with the next or the one before ("semi
        // sweet" is "semisweet", "cole slaw" "coleslaw").
        if (n === 1 ? this.knows(phrase[0]!.text) : this.namesAll(phrase.map((w) => w.stem))) continue;
        const before = list[i - 1]?.text ?? '';
        const after = list[i + n]?.text ?? '';
        if ([before, ...phrase.map((w) => w.text), after].some((w, k, all) => k > 0 && w !== '' && all[k - 1] !== '' && this.knows(`${all[k - 1]}${w}`))) continue;
        if (!this.namesAll(words(target).map(stem))) continue;
        const pattern = new RegExp(`\\b${phrase.map((w) => w.text).join(STOPWORD_GAP)}\\b`);
        const replaced = (renamed ?? text).replace(pattern, target);
        if (replaced === (renamed ?? text)) continue;
        renamed = replaced;
        i += n - 1;
        break;
      }
    }
    return renamed;
  }

  /** Whether some food's names have every one of these stems. */
  private namesAll(stems: string[]): boolean {
    const lists: Int32Array[] = [];
    for (const s of stems) {
      const list = this.postings[this.stemIds.get(s) ?? -1];
      if (list === undefined || list.length === 0) return false;
      lists.push(list);
    }
    lists.sort((a, b) => a.length - b.length);
    const others = lists.slice(1).map((l) => new Set(l));
    for (const f of lists[0]!) if (others.every((set) => set.has(f))) return true;
    return false;
  }

  /**
   * The two known words an unknown word of 6 letters or more is written for ("a b"), or ''
   * when it is none. Depends only on the word and whether it is the last typed, so it is
   * kept with the word, as its expansion is (trying every split costs a stem look-up each).
   */
  private compoundSplit(w: string, last: boolean): string {
    const key = last ? `${w}|` : w;
    const kept = this.compoundCache.get(key);
    if (kept !== undefined) return kept;
    let split = '';
    if (!/\d/.test(w) && !this.knows(w) && !(last && this.wordsStartingWith(w).length > 0) && !this.transposes(w)) {
      for (let i = 3; i <= w.length - 3; i++) {
        const a = w.slice(0, i);
        const b = w.slice(i);
        if (!STOPWORDS.has(a) && !STOPWORDS.has(b) && this.knows(a) && this.knows(b)) {
          split = `${a} ${b}`;
          break;
        }
      }
    }
    if (this.expansionCacheSize > 0) {
      if (this.compoundCache.size >= this.expansionCacheSize) this.compoundCache.delete(this.compoundCache.keys().next().value!);
      this.compoundCache.set(key, split);
    }
    return split;
  }

  /**
   * Whether swapping two neighbouring letters of `w` gives a word the catalog has: the commonest
   * typing slip, read as that word rather than as two words ("tenderlion" is tenderloin, not
   * tender and the sea lion).
   */
  private transposes(w: string): boolean {
    for (let i = 0; i + 1 < w.length; i++) {
      if (w[i] === w[i + 1]) continue;
      if (this.knows(w.slice(0, i) + w[i + 1] + w[i] + w.slice(i + 2))) return true;
    }
    return false;
  }

  /**
   * The most a food having the terms of a mask can score, before its own prior and costs,
   * for every mask of the terms (an array indexed by mask; `extra` added to each): every
   * term it has at its best weight in the best position, the head covered by the query's
   * best slot, each pair of them side by side, the leading word first (see score).
   */
  private ceilings(terms: Term[], leadingTerm: number, extra: number): Float64Array {
    const n = Math.min(terms.length, MASKED_TERMS);
    let cover = 0;
    for (let slot = 0; slot < this.slotCount; slot++) cover = Math.max(cover, this.slotBest[slot]!);
    const tops: number[] = [];
    for (const term of terms) {
      let top = 0;
      for (const w of term.expansion.weights) top = Math.max(top, w);
      tops.push(top);
      cover = Math.max(cover, top * term.factor);
    }
    const ceilings = new Float64Array(1 << n);
    for (let mask = 0; mask < 1 << n; mask++) {
      // Terms past MASKED_TERMS are counted as present.
      const has = (t: number): boolean => t >= n || (mask & (1 << t)) !== 0;
      // The leading word is looked up by stem whether or not it matched a term (so always counted).
      let ceiling = extra + RANKING.headCovered * cover + (leadingTerm >= 0 ? RANKING.leadingWord * tops[leadingTerm]! : 0);
      for (let t = 0; t < terms.length; t++) {
        if (!has(t)) continue;
        const term = terms[t]!;
        const factor = term.word.role === 'side' ? Math.max(term.factor, RANKING.namedSideWord) : term.factor;
        ceiling += tops[t]! * term.weight * factor;
        if (t + 1 < terms.length && has(t + 1)) ceiling += RANKING.adjacentWords * Math.min(tops[t]!, tops[t + 1]!);
      }
      ceilings[mask] = ceiling;
    }
    return ceilings;
  }

  /**
   * A bound on food `f`'s score (never below it): the ceiling of the terms its words can
   * match, every matched word's cost given back (refund and a dish's side refund together
   * give back at most a word's cost) and the rest taken off, its prior, and what it surely
   * loses.
   */
  private scoreBound(f: number, ceilings: Float64Array, state: RequestedState, namedGroups: number, alcohol: boolean, filingAsked: boolean, brandPossible: boolean): number {
    const gen = this.generation;
    let mask = 0;
    let matched = 0;
    for (let p = this.positionStart[f]!, end = this.positionStart[f + 1]!; p < end; p++) {
      const stemId = this.positionStem[p]!;
      if (this.stemGeneration[stemId] !== gen || this.positionFlags[p]! & NEGATED) continue;
      matched += this.positionCost[p]!;
      mask |= this.slotMask[this.stemSlot[stemId]!]!;
    }
    for (let p = this.extraStart[f]!, end = this.extraStart[f + 1]!; p < end; p++) {
      const stemId = this.extraStem[p]!;
      if (this.stemGeneration[stemId] === gen) mask |= this.slotMask[this.stemSlot[stemId]!]!;
    }
    // As score takes the costs off (the same total, kept as a float32), so rounding cannot part them.
    return this.foodCeiling(f, ceilings, mask, matched, state, namedGroups, alcohol, filingAsked, brandPossible);
  }

  private foodCeiling(f: number, ceilings: Float64Array, mask: number, matched: number, state: RequestedState, namedGroups: number, alcohol: boolean, filingAsked: boolean, brandPossible: boolean): number {
    return ceilings[mask & (ceilings.length - 1)]! - (this.totalCost[f]! - matched) + this.prior[f]! - this.surePenalty(f, state, namedGroups, alcohol, filingAsked, brandPossible);
  }

  /**
   * scoreBound's mask and matched cost of every candidate (foodMatchMask, foodMatched), from
   * the postings of the query's stems: a stem only negated in a name still sets its terms'
   * bits there (a looser bound, never a lower one). The candidates get a pass of their own
   * (foodGeneration), whatever pass found them.
   */
  private matchFromPostings(found: readonly number[]): void {
    const pass = this.nextFoodPass();
    for (const f of found) {
      this.foodGeneration[f] = pass;
      this.foodMatchMask[f] = 0;
      this.foodMatched[f] = 0;
    }
    for (let slot = 0; slot < this.slotCount; slot++) {
      const stemId = this.slotStem[slot]!;
      const postings = this.postings[stemId]!;
      const costs = this.postingCost[stemId]!;
      const bits = this.slotMask[slot]!;
      for (let i = 0; i < postings.length; i++) {
        const f = postings[i]!;
        if (this.foodGeneration[f] !== pass) continue;
        this.foodMatchMask[f]! |= bits;
        this.foodMatched[f]! += costs[i]!;
      }
    }
  }

  /** Whether a brand could be asked by this query (some stem of it is mostly written as a brand): else no food's brand is. */
  private brandPossible(terms: Term[]): boolean {
    for (const term of terms) for (const stemId of term.expansion.stems) if (this.brandStem[stemId]) return true;
    return false;
  }

  /** What score surely takes off food `f` whatever its words matched (headAsQualifier aside, which only lowers it more). */
  private surePenalty(f: number, state: RequestedState, namedGroups: number, alcohol: boolean, filingAsked: boolean, brandPossible: boolean): number {
    let penalty = 0;
    const kind = this.foodKind[f]!;
    if (kind & FOOD_BRANDED && !brandPossible) penalty += RANKING.unaskedBrand;
    if (kind & FOOD_ALCOHOLIC && !alcohol) penalty += RANKING.unaskedAlcohol;
    if (kind & FOOD_NAMED_AFTER && !filingAsked) penalty += RANKING.namedAfterFood;
    if (kind & FOOD_DRIED && this.freshAsked) penalty += RANKING.driedForFresh;
    const group = this.groupOf[f]!;
    if (group !== 0 && !brandPossible && !(namedGroups & (1 << group))) penalty += this.groupCost[f]!;
    const foodState = this.foodState[f]!;
    if (state === 'unspecified') {
      if (foodState === STATE_UNPREPARED) penalty += RANKING.unpreparedForm;
      else if (foodState === STATE_PREPARED && kind & FOOD_RAW_DEFAULT) penalty += RANKING.cookedProduce;
    } else if (state === 'raw') {
      if (foodState === STATE_PREPARED) penalty += RANKING.otherForm;
    } else if (foodState === STATE_UNPREPARED || foodState === STATE_RAW) penalty += RANKING.otherForm;
    return penalty;
  }

  /** Higher score first; on a tie the shorter name, then the smaller id, so results never shuffle. */
  private ranksBefore(score: number, index: number, other: { index: number; score: number }): boolean {
    if (score !== other.score) return score > other.score;
    const a = this.nameLengths[index]!;
    const b = this.nameLengths[other.index]!;
    if (a !== b) return a < b;
    return this.ids[index]! < this.ids[other.index]!;
  }

  /** Finds, for each term, its best match in food `f` (this.best, bestKind, bestFlags); returns the cost of the matched words. */
  private matchTerms(f: number, terms: Term[]): number {
    const gen = this.generation;
    const best = this.best;
    for (let t = 0; t < terms.length; t++) {
      best[t] = 0;
      this.bestKind[t] = -1;
      this.bestFlags[t] = 0;
      this.bestPosition[t] = -1;
    }
    let refund = 0;
    this.sideRefund = 0;
    this.brandAsked = false;
    for (let p = this.positionStart[f]!, end = this.positionStart[f + 1]!; p < end; p++) {
      const stemId = this.positionStem[p]!;
      if (this.stemGeneration[stemId] !== gen) continue;
      const flags = this.positionFlags[p]!;
      // "without peanuts" does not answer "peanuts".
      if (flags & NEGATED) continue;
      const slot = this.stemSlot[stemId]!;
      refund += this.positionCost[p]! * this.slotRefund[slot]!;
      if (flags & ACCOMPANIMENT && this.slotSide[slot]! > 0) this.sideRefund += this.positionCost[p]! * (1 - this.slotRefund[slot]!);
      let position =
        flags & ALIAS
          ? RANKING.headPosition
          : flags & NOTE
            ? RANKING.notePosition
            : flags & ACCOMPANIMENT
              ? RANKING.accompanimentPosition
              : flags & HEAD
                ? RANKING.headPosition
                : flags & NEXT
                  ? RANKING.nextPosition
                  : RANKING.laterPosition;
      if (flags & MODIFIER) position *= RANKING.modifierPosition;
      let mask = this.slotMask[slot]!;
      while (mask !== 0) {
        const t = 31 - Math.clz32(mask);
        mask &= ~(1 << t);
        const kind = this.slotKind[slot * MAX_TERMS + t]!;
        if (flags & BRAND && this.brandStem[stemId] && kind !== MATCH_SYNONYM && (this.brandStem[stemId] === 2 || this.brandNeighbourAsked(f, p))) this.brandAsked = true;
        const w = this.slotWeight[slot * MAX_TERMS + t]! * position;
        if (w > best[t]!) {
          best[t] = w;
          this.bestKind[t] = kind;
          this.bestFlags[t] = flags;
          this.bestPosition[t] = p;
        }
      }
    }
    for (let p = this.extraStart[f]!, end = this.extraStart[f + 1]!; p < end; p++) {
      const stemId = this.extraStem[p]!;
      if (this.stemGeneration[stemId] !== gen) continue;
      const slot = this.stemSlot[stemId]!;
      let mask = this.slotMask[slot]!;
      while (mask !== 0) {
        const t = 31 - Math.clz32(mask);
        mask &= ~(1 << t);
        const w = this.slotWeight[slot * MAX_TERMS + t]! * RANKING.extraTermPosition;
        if (w > best[t]!) {
          best[t] = w;
          this.bestKind[t] = this.slotKind[slot * MAX_TERMS + t]!;
          this.bestFlags[t] = 0; // other names are names: never a qualifier
          this.bestPosition[t] = -1;
        }
      }
    }
    return refund;
  }

  /** Whether a brand word next to position p (the rest of a brand such as "BURGER KING") is in the query too. */
  private brandNeighbourAsked(f: number, p: number): boolean {
    for (const q of [p - 1, p + 1]) {
      if (q < this.positionStart[f]! || q >= this.positionStart[f + 1]! || !(this.positionFlags[q]! & BRAND)) continue;
      if (this.stemGeneration[this.positionStem[q]!] === this.generation) return true;
    }
    // A one-word brand ("SPRITE"), with no brand word beside it, is asked by its word.
    return !(p > this.positionStart[f]! && this.positionFlags[p - 1]! & BRAND) && !(p + 1 < this.positionStart[f + 1]! && this.positionFlags[p + 1]! & BRAND);
  }

  private score(f: number, terms: Term[], leadingTerm: number, headTerm: number, state: RequestedState, namedGroups: number, alcohol: boolean, filingAsked: boolean): number {
    const refund = this.matchTerms(f, terms);
    const gen = this.generation;
    let score = 0;
    // "spaghetti with meat sauce" and "Spaghetti with meat sauce, frozen entree": the food named by the
    // query's food word, with what the query says came with it after its own "with", is that dish.
    const dish = headTerm >= 0 && (this.bestFlags[headTerm]! & (HEAD | MODIFIER | ACCOMPANIMENT)) === HEAD;
    for (let t = 0; t < terms.length; t++) {
      const factor = dish && terms[t]!.word.role === 'side' && this.bestFlags[t]! & ACCOMPANIMENT ? RANKING.namedSideWord : terms[t]!.factor;
      let matched = this.best[t]!;
      // "bean burrito" and "Burrito, with beans": a food word before the dish's name, found after the
      // dish's own "with" in its naming segment or the next, is what the dish is made with, as much the
      // food's name as its naming word (not "with 2% maple" further on: "maple syrup" is no pancake syrup).
      if (dish && t !== headTerm && terms[t]!.word.role === 'core' && this.bestFlags[t]! & ACCOMPANIMENT && this.bestFlags[t]! & (HEAD | NEXT) && !(this.bestFlags[t]! & NOTE)) matched *= RANKING.headPosition / RANKING.accompanimentPosition;
      score += matched * terms[t]!.weight * factor;
    }
    if (dish) score += this.sideRefund;
    // The words naming the food all asked for (or its brand named): it is the food asked.
    let covered = Math.max(this.coverage(this.headStem, this.headStart, f), this.brandCoverage(f));
    // A short parenthesis names the whole food another way ("Plums, dried (prunes)", "Coriander (cilantro) leaves").
    // One word, not a cut ("(steaks)", "(chops)" name the cut, not the food).
    for (let t = 0; t < terms.length; t++) {
      const p = this.bestPosition[t]!;
      if (!(this.bestFlags[t]! & ALIAS) || terms[t]!.word.role !== 'core' || p < 0) continue;
      const alone = !(p > this.positionStart[f]! && this.positionFlags[p - 1]! & ALIAS) && !(p + 1 < this.positionStart[f + 1]! && this.positionFlags[p + 1]! & ALIAS);
      if (alone && !CUT_WORDS.has(this.stemTexts[this.positionStem[p]!]!)) covered = Math.max(covered, this.best[t]! * terms[t]!.factor);
    }
    if (covered > 0) score += RANKING.headCovered * covered;
    else if (this.foodKind[f]! & FOOD_FILED_UNDER_KIND) score += RANKING.headCovered * this.coverage(this.nextStem, this.nextStart, f);
    else score += RANKING.nextCovered * this.coverage(this.nextStem, this.nextStart, f);
    // Query words side by side in the name, in the query's order ("fried rice", "sour cream").
    for (let t = 0; t + 1 < terms.length; t++) {
      const p = this.bestPosition[t]!;
      if (p >= 0 && this.bestPosition[t + 1] === p + 1) score += RANKING.adjacentWords * Math.min(this.best[t]!, this.best[t + 1]!);
    }
    if (leadingTerm >= 0) {
      const bit = 1 << leadingTerm;
      // The food's first word, else its leading one (no array of the two per food scored).
      for (let k = 0; k < 2; k++) {
        const stemId = k === 0 ? this.firstStem[f]! : this.leadingStem[f]!;
        if (stemId >= 0 && this.stemGeneration[stemId] === gen && this.slotMask[this.stemSlot[stemId]!]! & bit) {
          score += RANKING.leadingWord * this.slotWeight[this.stemSlot[stemId]! * MAX_TERMS + leadingTerm]!;
          break;
        }
      }
    }
    score -= this.totalCost[f]! - refund;
    score += this.prior[f]!;
    const kind = this.foodKind[f]!;
    if (kind & FOOD_BRANDED && !this.brandAsked) score -= RANKING.unaskedBrand;
    if (kind & FOOD_ALCOHOLIC && !alcohol) score -= RANKING.unaskedAlcohol;
    if (kind & FOOD_NAMED_AFTER && !filingAsked) score -= RANKING.namedAfterFood;
    if (kind & FOOD_DRIED && this.freshAsked) score -= RANKING.driedForFresh;
    const group = this.groupOf[f]!;
    if (group !== 0 && !this.brandAsked && !(namedGroups & (1 << group))) score -= this.groupCost[f]!;
    if (headTerm >= 0 && this.best[headTerm]! > 0 && this.headQualifies(f, headTerm, terms)) score -= RANKING.headAsQualifier;
    const foodState = this.foodState[f]!;
    if (state === 'unspecified') {
      if (foodState === STATE_UNPREPARED) score -= RANKING.unpreparedForm;
      else if (foodState === STATE_PREPARED && kind & FOOD_RAW_DEFAULT) score -= RANKING.cookedProduce;
    } else if (state === 'raw') {
      if (foodState === STATE_PREPARED) score -= RANKING.otherForm;
    } else if (foodState === STATE_UNPREPARED || foodState === STATE_RAW) score -= RANKING.otherForm;
    return score;
  }

  /** How well the query covers a list of needed stems (the least well matched one), 0 when one is missing or the list is empty. */
  private coverage(stems: Int32Array, start: Int32Array, f: number): number {
    const gen = this.generation;
    let covered = Infinity;
    for (let p = start[f]!, end = start[f + 1]!; p < end; p++) {
      const stemId = stems[p]!;
      if (this.stemGeneration[stemId] !== gen) return 0;
      covered = Math.min(covered, this.slotBest[this.stemSlot[stemId]!]!);
    }
    return covered === Infinity ? 0 : covered;
  }

  private brandCoverage(f: number): number {
    const gen = this.generation;
    let covered = 0;
    for (let p = this.headBrandStart[f]!, end = this.headBrandStart[f + 1]!; p < end; p++) {
      const stemId = this.headBrandStem[p]!;
      if (this.stemGeneration[stemId] === gen) covered = Math.max(covered, this.slotBest[this.stemSlot[stemId]!]!);
    }
    return covered;
  }

  /**
   * Whether the query's main word only qualifies another word in the food ("salad" in
   * "Salad dressing", "milk" in "Candies, milk chocolate" for "chocolate milk"), or comes
   * after "with" ("egg" in "Fast foods, biscuit, with egg"): then the food is another thing.
   */
  private headQualifies(f: number, headTerm: number, terms: Term[]): boolean {
    const flags = this.bestFlags[headTerm]!;
    // Another name of the food ("(corndog)"), or the product of a brand the query named ("wendys frosty").
    if (flags & (NOTE | BRAND | ALIAS) || this.brandAsked || this.wholeBrandAsked(f)) return false;
    if (flags & ACCOMPANIMENT) return true;
    if (!(flags & MODIFIER)) return false;
    const p = this.bestPosition[headTerm]!;
    const next = p + 1 < this.positionStart[f + 1]! ? this.positionStem[p + 1]! : -1;
    // "Ginger root", "Dill weed", "t-bone steak": the plant or cut named, its part after it.
    if (next >= 0 && (PLANT_PART_WORDS.has(this.stemTexts[next]!) || PART_WORDS.has(this.stemTexts[next]!))) return false;
    // "Fruit punch drink": a drink named in two words asked, then "drink" (not "Orange drink" for "orange").
    if (next === this.drinkStem && p > this.positionStart[f]! && this.stemGeneration[this.positionStem[p - 1]!] === this.generation) return false;
    // "fish sticks" asked, "Fish, fish sticks" found: the word it qualifies was asked for after it.
    if (next >= 0 && this.stemGeneration[next] === this.generation) {
      const mask = this.slotMask[this.stemSlot[next]!]!;
      for (let t = headTerm + 1; t < terms.length; t++) if (mask & (1 << t)) return false;
      // The other way round in a word another name gives ("turkey mince": "Ground turkey").
      if (this.bestKind[headTerm] === MATCH_SYNONYM) for (let t = 0; t < headTerm; t++) if (terms[t]!.required && terms[t]!.word.role === 'core' && mask & (1 << t)) return false;
    }
    return true;
  }

  /**
   * Whether the query names a brand of two or more words in full ("olive garden lasagna": "OLIVE
   * GARDEN, lasagna classico"), though each word also names foods (so it did not count as a brand
   * asked): the rest of the name is that chain's or maker's own name for its product.
   */
  private wholeBrandAsked(f: number): boolean {
    const gen = this.generation;
    for (let p = this.positionStart[f]! + 1, end = this.positionStart[f + 1]!; p < end; p++) {
      if (!(this.positionFlags[p]! & BRAND) || !(this.positionFlags[p - 1]! & BRAND)) continue;
      if (this.stemGeneration[this.positionStem[p]!] !== gen || this.stemGeneration[this.positionStem[p - 1]!] !== gen) continue;
      // The whole run of brand words is asked, not two of a longer one.
      let q = p - 1;
      while (q > this.positionStart[f]! && this.positionFlags[q - 1]! & BRAND) q--;
      let r = p;
      while (r + 1 < end && this.positionFlags[r + 1]! & BRAND) r++;
      let all = true;
      for (let i = q; i <= r && all; i++) if (this.stemGeneration[this.positionStem[i]!] !== gen) all = false;
      if (all) return true;
    }
    return false;
  }

  /** How the food matched the query's food words (see MatchKind). */
  private matchOf(f: number, terms: Term[], incomplete: boolean): MatchKind {
    this.matchTerms(f, terms);
    let missing = incomplete;
    let fuzzy = false;
    let begun = false;
    for (let t = 0; t < terms.length; t++) {
      if (terms[t]!.word.role !== 'core' || !terms[t]!.required) continue;
      const kind = this.bestKind[t]!;
      if (kind === -1) missing = true;
      else if (kind === MATCH_FUZZY || kind === MATCH_FUZZY_FAR || kind === MATCH_FUZZY_OTHER_START) fuzzy = true;
      else if (kind === MATCH_PREFIX) begun = true;
    }
    if (missing) return 'partial';
    if (fuzzy) return 'fuzzy';
    return begun ? 'partial' : 'exact';
  }

  /**
   * Whether food `f` is what was asked: the word naming the food (the query's last food
   * word, "rice" in "basmati rice") is in it as a food, not as a qualifier of another
   * ("Salad dressing" does not answer "caesar salad") and not only by spelling distance
   * on a word too short to be sure of ("late harvest" wine does not answer "latte"). A
   * spelling correction must keep the word's first letter and have 5 letters for one
   * edit, 6 for two; a word only begun must be two fifths typed ("bre" for "breast", not
   * "pho" for "phosphate"). Another word of the query missing ("basmati") leaves it close
   * when the words naming the food were asked for: the catalog has the food, not that
   * variety, and the result's `match` says `partial`.
   */
  private isClose(f: number, terms: Term[], headTerm: number, headWord: QueryWord | undefined, unknown: readonly QueryWord[]): boolean {
    if (headWord === undefined) return unknown.every((w) => w.role !== 'core') && terms.some((t) => t.required);
    this.matchTerms(f, terms);
    // A cut or part the food lacks ("crab legs", "tuna steak"): the food before it names what was eaten.
    let cut: QueryWord | undefined;
    // A salad of a fruit or vegetable eaten raw ("rocket salad", "beetroot salad") is that food, raw.
    const saladOf = headWord.stem === 'salad' && (this.foodKind[f]! & FOOD_RAW_DEFAULT) !== 0 && this.foodState[f] === STATE_RAW;
    if ((PART_WORDS.has(headWord.stem) || saladOf) && (headTerm < 0 || this.bestKind[headTerm] === -1)) {
      let before = -1;
      for (let t = 0; t < terms.length; t++) {
        const word = terms[t]!.word;
        if (word !== headWord && word.role === 'core' && terms[t]!.required && word.secondConjunct === headWord.secondConjunct && this.bestKind[t] !== -1) before = t;
      }
      if (before >= 0) {
        cut = headWord;
        headTerm = before;
        headWord = terms[before]!.word;
      }
    }
    if (unknown.includes(headWord) || headTerm < 0) return false;
    const kind = this.bestKind[headTerm]!;
    if (kind === -1 || kind === MATCH_FUZZY_OTHER_START) return false;
    if (kind === MATCH_FUZZY && headWord.text.length < 5) return false;
    if (kind === MATCH_FUZZY_FAR && headWord.text.length < 6) return false;
    // A word of its own, not a misspelling: "trifle" is no triple, "pasty" no pasta, "crepes" no creme.
    // Or begun: "macaron" is a word, not macaroni still being typed.
    if ((kind === MATCH_FUZZY || kind === MATCH_FUZZY_FAR || (kind === MATCH_PREFIX && headWord.text.length >= 5)) && this.isOtherWord(terms[headTerm]!)) return false;
    // A drink the vocabulary knows by name is no misspelling of another word ("margarita" is not margarine).
    if ((kind === MATCH_FUZZY || kind === MATCH_FUZZY_FAR) && ALCOHOL_REQUEST_WORDS.has(headWord.stem)) return false;
    // ... nor is a maker of the same name ("a glass of mead": MEAD JOHNSON's infant formulas).
    if (ALCOHOL_REQUEST_WORDS.has(headWord.stem) && this.bestFlags[headTerm]! & BRAND && !(this.foodKind[f]! & FOOD_ALCOHOLIC)) return false;
    // A word still being typed, guessed from its start, while another food word is unknown ("banh mi").
    if (kind === MATCH_PREFIX && unknown.some((w) => w.role === 'core')) return false;
    const p = this.bestPosition[headTerm]!;
    if (kind === MATCH_PREFIX && p >= 0 && headWord.text.length * 5 < this.stemTexts[this.positionStem[p]!]!.length * 2) return false;
    if (this.headQualifies(f, headTerm, terms)) return false;
    // Another word missing: close only when the food is the thing asked for, lacking a
    // variety ("Rice, white" for "basmati rice"), not another food named after it
    // ("KASHI Pizza, Tikka Masala" for "chicken tikka masala").
    // A brand's product of another kind, flavoured or named after what was asked ("KASHI Pizza, Tikka
    // Masala" for "tikka masala", "KASHI Pizza, Greek Tzatziki" for "tzatziki"): the query's words only
    // after its naming segment, whose kind ("Pizza") was not asked.
    if (this.brandsAnotherKind(f, terms)) return false;
    if (this.isAnotherProduct(f, terms, headTerm)) return false;
    // A stand-in asked ("vegetarian mince", "vegan sausage"), the real thing given: the catalog lacks the stand-in.
    if (terms.some((t) => NEGATING_WORDS.has(t.word.stem)) && !this.namesStandIn(f)) return false;
    // Asked fried, given the fruit or vegetable raw ("fried green tomatoes": green tomatoes, raw): the catalog lacks the dish.
    if (this.foodState[f] === STATE_RAW && this.foodKind[f]! & FOOD_RAW_DEFAULT && terms.some((t) => FRYING_WORDS.has(t.word.stem))) return false;
    const missing =
      unknown.some((w) => w.role === 'core' && w !== cut) || terms.some((term, t) => term.required && term.word.role === 'core' && term.word !== cut && this.bestKind[t] === -1);
    if (!missing) return true;
    // The spirit of "vodka soda": the other word is its mixer.
    if (this.foodKind[f]! & FOOD_ALCOHOLIC && ALCOHOL_REQUEST_WORDS.has(headWord.stem) && (kind === MATCH_EXACT || kind === MATCH_SYNONYM)) return true;
    // A word the catalog lacks names the dish: "sushi roll" is no roll of the catalog's.
    if (DISH_NOUNS.has(headWord.stem) && unknown.some((w) => w.role === 'core' && w !== cut)) return false;
    if (DISH_NOUNS.has(headWord.stem) && terms.some((term, t) => term.required && term.word.role === 'core' && term.word !== cut && this.bestKind[t] === -1)) return false;
    if (this.coverage(this.headStem, this.headStart, f) > 0 || this.brandCoverage(f) > 0) return true;
    if (this.foodKind[f]! & FOOD_FILED_UNDER_KIND && this.coverage(this.nextStem, this.nextStart, f) > 0) return true;
    return this.lacksOnlyAVariety(headTerm, kind, terms, unknown);
  }

  /**
   * Whether a word the catalog lacks, matched by spelling distance or as the start of a longer
   * word, is a common English word or a food's name of its own ("trifle", near "triple";
   * vocabulary.ts DISTINCT_FOOD_WORDS, "macarons" even beside macaroons), not the food word
   * respelt: a doubled letter ("humus", "chilli", "desert") or a plural ending ("kiwis")
   * apart, a common word is the same word.
   */
  private isOtherWord(term: Term): boolean {
    const distinct = DISTINCT_FOOD_WORDS.has(term.word.stem);
    if (!distinct && !(this.englishWords ??= commonEnglishWords()).has(term.word.text)) return false;
    const own = spellingSkeleton(term.word.text);
    const { stems, kinds } = term.expansion;
    for (let i = 0; i < stems.length; i++) {
      if (kinds[i] === MATCH_EXACT || kinds[i] === MATCH_SYNONYM || (!distinct && spellingSkeleton(this.stemTexts[stems[i]!]!) === own)) return false;
    }
    return true;
  }

  /**
   * Whether food `f`, though it has the query's words, is another thing than was asked: a stand-in
   * the query did not ask for ("Vegetarian meatloaf or patties" for "meatloaf"), or, its naming
   * segment not covered by the query, a dish of another food the asked word only came with ("Potato
   * salad with egg" for "egg salad"), or a product the naming segment says it is ("AUSTIN, Grilled
   * Cheese on Wafer Crackers" for "grilled cheese sandwich" is not caught), or a dry mix for a dish ("carrot cake").
   */
  private isAnotherProduct(f: number, terms: Term[], headTerm: number): boolean {
    const gen = this.generation;
    const start = this.positionStart[f]!;
    const end = this.positionStart[f + 1]!;
    for (let p = start; p < end; p++) if (this.positionCost[p] === WORD_COST.negating && !(this.positionFlags[p]! & NOTE) && this.stemGeneration[this.positionStem[p]!] !== gen) return true;
    // A mix still to be made up, when no mix was asked: the cake is not its packet.
    // (A brand's own mix is its product when the brand is asked: "slimfast" is the shake mix.)
    if (this.foodState[f] === STATE_UNPREPARED && !this.brandAsked) {
      for (let p = start; p < end; p++) if (this.positionStem[p] === this.mixStem && !(this.positionFlags[p]! & NOTE) && this.stemGeneration[this.positionStem[p]!] !== gen) return true;
    }
    if (this.coverage(this.headStem, this.headStart, f) > 0 || this.brandCoverage(f) > 0) return false;
    if (this.foodKind[f]! & FOOD_FILED_UNDER_KIND && this.coverage(this.nextStem, this.nextStart, f) > 0) return false;
    for (let t = 0; t < terms.length; t++) {
      if (t !== headTerm && terms[t]!.required && terms[t]!.word.role === 'core' && this.bestFlags[t]! & ACCOMPANIMENT) return true;
    }
    return false;
  }

  /** Whether food `f`'s name says it stands in for another food ("Vegetarian meatloaf or patties", "imitation"). */
  private namesStandIn(f: number): boolean {
    for (let p = this.positionStart[f]!, end = this.positionStart[f + 1]!; p < end; p++) if (NEGATING_WORDS.has(this.stemTexts[this.positionStem[p]!]!)) return true;
    return false;
  }

  /** Whether food `f` names a brand and another kind in its naming segment, and the query matched nothing there. */
  private brandsAnotherKind(f: number, terms: Term[]): boolean {
    if (this.headBrandStart[f] === this.headBrandStart[f + 1] || this.headStart[f] === this.headStart[f + 1]) return false;
    if (this.brandAsked || this.coverage(this.headStem, this.headStart, f) > 0) return false;
    for (let t = 0; t < terms.length; t++) if (this.bestKind[t]! !== -1 && this.bestFlags[t]! & HEAD) return false;
    // The other kind is a word many foods have ("Pizza"), not a company's ("GEROLSTEINER BRUNNEN GmbH & Co. KG"),
    // and one naming unbranded foods too, not a product line's ("USDA Commodity", "CAMPBELL'S Red and White").
    for (let p = this.headStart[f]!, end = this.headStart[f + 1]!; p < end; p++) {
      const stemId = this.headStem[p]!;
      if (this.stemTexts[stemId]!.length >= 3 && this.postings[stemId]!.length >= KIND_WORD_FOODS && this.kindStem[stemId]! >= KIND_NOUN_FOODS) return true;
    }
    return false;
  }

  /**
   * A flavour or variety the catalog knows, said before the word naming the food ("strawberry
   * jam"), when the food has that word in the segment naming it ("Jams and preserves"): the
   * catalog has the food, not that variety, as "basmati rice" finds
   * "Rice, white". Not a word the catalog lacks (that may name another dish), not one after the
   * food's name, and not when the name was matched only by spelling or its start.
   */
  private lacksOnlyAVariety(headTerm: number, kind: number, terms: Term[], unknown: readonly QueryWord[]): boolean {
    if (kind !== MATCH_EXACT && kind !== MATCH_SYNONYM) return false;
    if (!(this.bestFlags[headTerm]! & HEAD) || this.bestFlags[headTerm]! & (MODIFIER | ACCOMPANIMENT | NOTE | BRAND)) return false;
    if (unknown.some((w) => w.role === 'core')) return false;
    for (let t = 0; t < terms.length; t++) {
      const term = terms[t]!;
      if (term.required && term.word.role === 'core' && this.bestKind[t] === -1 && t > headTerm) return false;
    }
    return true;
  }
}
