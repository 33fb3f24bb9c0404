import { stem, STOPWORDS, words } from './text.js';
import {
  BASIC_METHODS,
  ADDITIVE_WORDS,
  ALCOHOL_WORDS,
  CATEGORY_SEGMENTS,
  CATEGORY_WORDS,
  COOK_BEFORE_EATING_GROUPS,
  DIET_WORDS,
  DRIED_WORDS,
  EATEN_RAW_SHELLFISH,
  FORM_WORDS,
  IDENTITY_WORDS,
  KIND_NOUNS,
  NEGATING_WORDS,
  OTHER_METHODS,
  PORTION_SHAPES,
  PLAIN_WORDS,
  PREPARED_WORDS,
  RAW_BY_DEFAULT_GROUPS,
  UNPREPARED_WORDS,
  SPECIAL_GROUPS,
  SPECIES_WORDS,
  VARIETY_WORDS,
} from './vocabulary.js';

/** Where a word of a name stands. */
export const NOTE = 1; // in parentheses, or after "not"/"without": it only qualifies
export const MODIFIER = 2; // before another word of its segment ("Salad dressing": salad)
export const ACCOMPANIMENT = 4; // after "with" in its segment ("biscuit, with egg")
export const BRAND = 8; // written in capitals, as USDA writes brands
export const HEAD = 16; // in the segment that names the food
/** After "without" or "not" ("Nuts, mixed nuts, without peanuts"): what the food lacks, never what it is. */
export const NEGATED = 32;
export const ALIAS = 64; // in a short parenthesis naming the food another way ("(cilantro)")
export const NEXT = 128; // in the segment after the naming one ("Beverages, carbonated, cola")

/** What a word of a name costs when the query did not ask for it. */
export const WORD_COST = {
  number: 0,
  category: 0.05,
  plain: 0.08,
  note: 0.08,
  basicMethod: 0.08,
  withSkin: 0.3,
  other: 0.35,
  otherMethod: 0.45,
  /** Another food a dish came with ("with egg and bacon", "with vegetables"). */
  accompaniment: 1,
  brand: 0.5,
  variety: 1.5,
  /** A diet version ("diet", "dietetic"), unasked. */
  diet: 2,
  species: 1.1,
  identity: 1.8,
  negating: 2.5,
} as const;

/**
 * The form a food is in: `unprepared` must still be cooked or made up (raw chicken, dry
 * rice, a dry mix, condensed soup); `raw` is eaten raw (fruit, vegetables, tofu);
 * `prepared` is cooked or made up; `neutral` says neither.
 */
export type FoodState = 'unprepared' | 'raw' | 'prepared' | 'neutral';

/** What the index knows of one food, worked out once when the index is built. */
export interface FoodProfile {
  stems: string[];
  flags: number[];
  costs: number[];
  /** Stems of the food's other names (SR28 ComName) and its maker. */
  extraStems: string[];
  /** The name's words and the other names' words as written (lower case), for prefix and typo look-ups. */
  words: string[];
  extraWords: string[];
  /** The words of the segment that names the food, without plain descriptors and brands. */
  headNeeded: string[];
  /** The words of the segment after it, which may name the food instead ("Beverages, carbonated, cola"). */
  nextNeeded: string[];

  /** Brand words in the naming segment: asking for the brand names the product. */
  headBrands: string[];
  /** The first word of the naming segment. */
  leading: string | undefined;
  state: FoodState;
  /** In a group whose raw form is cooked before eating (meat, fish, grains, eggs). */
  cookBeforeEating: boolean;
  /** In a group eaten raw by default (fruit, vegetables, nuts). */
  rawByDefault: boolean;
  /** What choosing the food costs when its group (baby food, restaurant dishes) was not asked for, and the words naming the group. */
  special: { cost: number; namedBy: ReadonlySet<string> } | undefined;
  /** Whether the name has a brand (USDA writes them in capitals). */
  branded: boolean;
  /** An alcoholic drink ("Alcoholic beverage, rice (sake)"): not what "rice" means. */
  alcoholic: boolean;
  /** USDA's representative entry ("all types", "mixed species", "year round average"). */
  generic: boolean;
  /** Kept dried: a spice, a dried fruit, a powder (vocabulary.ts DRIED_WORDS, not in a note). */
  dried: boolean;
  /**
   * Filed under a kind ("Salad dressing") and named after another food, its naming segment
   * lacking the kind's noun ("Salad dressing, coleslaw", not "Salad dressing, ranch dressing").
   */
  namedAfter: boolean;
}

interface NameWord {
  lower: string;
  stem: string;
  segment: number;
  note: boolean;
  brand: boolean;
  afterWith: boolean;
  /** After "without" or "not": the food lacks it. */
  negated: boolean;
  /** In a short parenthesis right after a word, naming the same food ("Coriander (cilantro) leaves", "center loin (chops)"). */
  alias: boolean;
  /** The index of the word before "or" this one is the alternative of ("plain or buttermilk"), or -1. */
  alternativeOf: number;
  /** After "or" in its segment, outside parentheses: part of the alternative ("nonfat or fat free"). */
  inAlternative: boolean;
  /** The raw word before it in the same segment (for context: "meat and skin", "dry heat"). */
  previous: string;
  next: string;
}

function hasDigit(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 48 && c <= 57) return true;
  }
  return false;
}

/** Flavours that are what a sweet is made of, not a variety of it (see profileFood). */
const CONFECTION_FLAVOURS = new Set(['chocolate', 'caramel', 'fudge', 'butterscotch', 'toffee', 'mocha'].map(stem));
const CANDIES_STEM = stem('candies');
const COMMON_SPECIES = new Set(['beef', 'pork', 'chicken', 'turkey', 'ham'].map(stem));
const SKIN_ON_BEFORE = new Set(['and', 'with', 'without', 'in', 'wo', 'includes', 'include', 'including']);
const WHOLE_GRAIN_BEFORE = new Set(['mixed', 'multi', 'whole']);

/** Capitals as USDA writes brands ("KRAFT", "McDONALD'S"), not place names ("Atlantic"). */
function isBrand(word: string): boolean {
  // "USDA Commodity": the government's own foods, not a maker's.
  if (word === 'USDA') return false;
  let upper = 0;
  for (let i = 0; i < word.length; i++) {
    const c = word.charCodeAt(i);
    if (c >= 65 && c <= 90) upper++;
  }
  return word.length >= 2 && upper >= 2 && upper >= word.length * 0.6;
}

const RAW_TOKEN = /\d+(?:[./]\d+)*%?|[A-Za-z]+|[,;()&]/g;

/** Splits a name into words with their segment (comma-separated part) and what they qualify. */
function nameWords(name: string): NameWord[] {
  // Most names are plain ASCII: only the others need their accents taken off.
  const ascii = /^[\x20-\x7e]*$/.test(name) ? name : name.normalize('NFKD').replace(/[\u0300-\u036f]/g, '');
  // "link/patty", "stick/tub/bottle": a slash between words lists alternatives, as "or" does.
  const text = ascii.replace(/['’`]/g, '').replace(/(?<=[A-Za-z])&(?=[A-Za-z])/g, '').replace(/(?<=[A-Za-z])\/(?=[A-Za-z])/g, ' or ');
  const tokens = text.match(RAW_TOKEN) ?? [];
  const result: NameWord[] = [];
  let segment = 0;
  let depth = 0;
  let negated = false;
  let without = false;
  let afterWith = false;
  let alternative = false;
  let alternativeOf = -1;
  let previous = '';
  // Parentheses of one or two plain words name the food another way: "(cilantro)", "(chops)", "(sake)".
  const aliasDepth = (at: number): boolean => {
    let count = 0;
    for (let j = at + 1; j < tokens.length; j++) {
      const t = tokens[j]!;
      if (t === ')') return count > 0 && count <= 2;
      if (t === '(' || t === ',' || t === ';' || hasDigit(t) || STOPWORDS.has(t.toLowerCase())) return false;
      count++;
    }
    return false;
  };
  let inAlias = false;
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i]!;
    if (token === ',' || token === ';') {
      if (depth === 0) {
        segment++;
        without = false;
        afterWith = false;
        alternative = false;
        alternativeOf = -1;
        previous = '';
      }
      continue;
    }
    if (token === '(') {
      if (depth === 0) inAlias = aliasDepth(i);
      depth++;
      continue;
    }
    if (token === ')') {
      depth = Math.max(0, depth - 1);
      if (depth === 0) inAlias = false;
      continue;
    }
    const lower = token === '&' ? 'and' : token.toLowerCase();
    // "no meat", "no salt added": the next word is what the food lacks.
    if (lower === 'not' || lower === 'no') {
      negated = true;
      previous = lower;
      continue;
    }
    // "all flavors except chocolate": what follows "except" is what the food is not, as after "without".
    if (lower === 'without' || lower === 'wo' || lower === 'except') without = true;
    // "with egg and bacon", "fried in vegetable oil", "canned in water": what the food came with or in.
    if (lower === 'with' || lower === 'w' || lower === 'in') afterWith = true;
    // "plain or buttermilk", "salad or cooking": words either side of "or" are alternatives, not properties.
    if (lower === 'or' && depth === 0) {
      alternative = true;
      const before = result[result.length - 1];
      if (before && before.segment === segment && alternativeOf === -1) alternativeOf = result.length - 1;
    }
    if (STOPWORDS.has(lower)) {
      previous = lower;
      continue;
    }
    let next = '';
    for (let j = i + 1; j < tokens.length; j++) {
      const t = tokens[j] === '&' ? 'and' : tokens[j]!.toLowerCase();
      if (t === ',' || t === ';' || t === '(' || t === ')') break;
      next = t;
      break;
    }
    result.push({
      lower,
      stem: stem(lower),
      segment,
      note: (depth > 0 && !inAlias) || negated || without || alternative,
      negated: negated || without,
      brand: isBrand(token),
      afterWith,
      alias: inAlias,
      alternativeOf: alternative ? alternativeOf : -1,
      inAlternative: alternative && depth === 0,
      previous,
      next,
    });
    // "non-fat", "non-soy": the word after "non" is what the food has not.
    negated = lower === 'non';
    if (alternative && alternativeOf !== -1 && result[result.length - 1]!.alternativeOf !== -1) alternativeOf = -1; // only the first alternative pairs
    previous = lower;
  }
  return result;
}

/**
 * Whether a word directly before `next` in a name qualifies it ("late harvest", "Salad
 * dressing"): not before "and", a figure, a descriptor ("Cheesecake commercially prepared")
 * or a noun of kind or part ("cashew nuts", "Turkey breast").
 */
const SPANISH_JOINS = new Set(['con', 'del', 'de']);

function qualifies(next: string): boolean {
  // Nor before "without" ("chicken parmesan without pasta"): what follows is what the food lacks.
  if (next === '' || STOPWORDS.has(next) || next === 'not' || next === 'non' || next === 'without' || hasDigit(next.charAt(0))) return false;
  // Nor before a Spanish joining word ("pupusas con queso", "pupusas del cerdo"): the food is named first.
  if (SPANISH_JOINS.has(next)) return false;
  const s = stem(next);
  // A cut or shape ("chicken fajita strips", "fish sticks") says how the food before it was cut: that word is the food.
  return !(KIND_NOUNS.has(s) || FORM_WORDS.has(s) || PLAIN_WORDS.has(s) || BASIC_METHODS.has(s) || OTHER_METHODS.has(s) || PREPARED_WORDS.has(s) || UNPREPARED_WORDS.has(s));
}

/** The cost class of an unasked word, from the word and its neighbours. */
function costOf(word: NameWord, speciesCategory: boolean): number {
  const s = word.stem;
  if (s.length < 2 || hasDigit(s)) return WORD_COST.number;
  // Milk "without added vitamin A" (and D) is the unfortified milk: US milk sold to drink has vitamin A
  // added, so it is a variety no one means unless saying so ("1% milk" is "with added vitamin A and vitamin D").
  if (word.negated && s === 'vitamin' && word.previous === 'added' && word.next === 'a') return WORD_COST.variety;
  if (word.note || word.alias) return WORD_COST.note;
  if (NEGATING_WORDS.has(s)) return WORD_COST.negating;
  if (CATEGORY_WORDS.has(s) && word.segment <= 1) return WORD_COST.category;
  if ((s === 'dry' || s === 'moist') && (word.next === 'heat' || word.next === 'roasted' || word.next === 'roast')) return WORD_COST.basicMethod;
  // "Fat, duck", "Fat, beef tallow": the animal's fat, another product than the animal.
  if (s === 'fat' && word.segment === 0 && word.previous === '' && word.next === '') return WORD_COST.identity;
  if (s === 'heat') return WORD_COST.basicMethod;
  if (s === 'skin') {
    // "meat and skin", "with skin", "cooked in skin": the food with its skin on, not the skin.
    return SKIN_ON_BEFORE.has(word.previous) ? WORD_COST.withSkin : WORD_COST.identity;
  }
  if (s === 'light' && word.next === 'meat') return WORD_COST.plain;
  if ((s === 'grain' || s === 'wheat') && WHOLE_GRAIN_BEFORE.has(word.previous)) return WORD_COST.variety;
  // First and alone it files the food under its animal: the everyday ones cost nothing unasked;
  // a rarer one ("Veal, sirloin", "Ostrich, oyster") is not what a cut named alone means.
  if (SPECIES_WORDS.has(s)) return speciesCategory ? (COMMON_SPECIES.has(s) ? WORD_COST.category : WORD_COST.plain + WORD_COST.other) : WORD_COST.species;
  if (word.brand) return WORD_COST.brand;
  if (IDENTITY_WORDS.has(s)) return WORD_COST.identity;
  if (DIET_WORDS.has(s)) return WORD_COST.diet;
  if (VARIETY_WORDS.has(s)) return WORD_COST.variety;
  if (OTHER_METHODS.has(s)) return WORD_COST.otherMethod;
  if (BASIC_METHODS.has(s)) return WORD_COST.basicMethod;
  if (PLAIN_WORDS.has(s)) return WORD_COST.plain;
  return WORD_COST.other;
}

function stateOf(list: NameWord[], group: string, cookBeforeEating: boolean, water: number | undefined): FoodState {
  let unprepared = false;
  let raw = false;
  let prepared = false;
  // "roast" may be the cut ("Beef, shoulder pot roast or steak, ..., raw"): prepared only when nothing says raw.
  let roastNoun = false;
  // Raw legumes are dry seeds to cook (lentils, beans: little water), or eaten as they are (tofu: mostly water).
  const mustCook = cookBeforeEating && (group !== 'Legumes and Legume Products' || water === undefined || water < 30);
  const rawProduce = (group === 'Vegetables and Vegetable Products' || group === 'Fruits and Fruit Juices') && list.some((w) => w.stem === 'frozen');
  const fried = list.some((w) => w.stem === 'fried' || w.lower === 'par');
  for (const word of list) {
    const s = word.stem;
    if (s === 'roast') roastNoun = true;
    else if (PREPARED_WORDS.has(s) && !(s === 'roasted' && word.previous === 'dry')) prepared = true;
    if (s === 'raw' || s === 'uncooked') {
      if (mustCook) unprepared = true;
      else raw = true;
    }
    // A frozen vegetable or fruit "unprepared" is it as it comes, the raw state a person naming it means
    // ("Peppers, sweet, red, frozen, chopped, unprepared"); not frozen fries, par-fried to be baked.
    if (s === 'unprepared' && rawProduce && !fried) raw = true;
    else if (s === 'unprepared' || s === 'dough') unprepared = true;
    if (s === 'dry' && word.next !== 'heat' && word.next !== 'roasted' && word.next !== 'roast') unprepared = true;
    if (s === 'condensed' && group === 'Soups, Sauces, and Gravies') unprepared = true;
    if (s === 'powder' && group === 'Beverages') unprepared = true;
    if (s === 'undiluted') unprepared = true;
    // Salt fish (salt cod, salted mackerel) is soaked and cooked before it is eaten.
    if (s === 'salted' && group === 'Finfish and Shellfish Products') unprepared = true;
    if (s === 'purchased' && word.previous === 'as') unprepared = true;
  }
  if (prepared || (roastNoun && !unprepared && !raw)) return 'prepared';
  if (unprepared) return 'unprepared';
  if (raw) return 'raw';
  // A grain named without a state is the grain as sold ("Oats", "Barley, hulled").
  return group === 'Cereal Grains and Pasta' ? 'unprepared' : 'neutral';
}

function isGeneric(stems: string[]): boolean {
  for (let i = 0; i < stems.length; i++) {
    const s = stems[i]!;
    const next = stems[i + 1];
    if (s === 'generic' || s === 'average' || s === 'composite') return true;
    if (s === 'all' && (next === 'type' || next === 'varieti' || next === 'commercial' || next === 'kind' || next === 'grade' || next === 'classe')) return true;
    if (s === 'mixed' && next === 'specie') return true;
  }
  return false;
}

/** Other names worth searching by: SR28's ComName, minus its catalogue codes ("URMIS #1464", "USDA Commodity A415"). */
export function extraTermWords(searchTerms: string | undefined): string[] {
  if (!searchTerms) return [];
  const kept: string[] = [];
  for (const part of searchTerms.split(/[;,]/)) {
    if (/\b(?:urmis|usda commodity|commodity (?:food|code)|nfsmi|recipe no|includes usda)\b/i.test(part)) continue;
    for (const word of words(part)) if (!STOPWORDS.has(word) && !/\d/.test(word)) kept.push(word);
  }
  return kept;
}

/**
 * The shapes a food is served in by USDA's own household portions ("1 bar (1.55 oz)" for
 * "Candies, milk chocolate"): a person asking for "a chocolate bar" asks for a food that comes as
 * one. Only shape nouns (PORTION_SHAPES), never a measure such as a cup or an ounce.
 */
export function portionShapeWords(portions: readonly unknown[] | undefined): string[] {
  if (!portions) return [];
  const found: string[] = [];
  for (const portion of portions) {
    const measure = (portion as { measure?: unknown } | null)?.measure;
    if (typeof measure !== 'string') continue;
    const lead = /^[a-z]+/i.exec(measure)?.[0]?.toLowerCase();
    if (lead !== undefined && PORTION_SHAPES.has(lead) && !found.includes(lead)) found.push(lead);
  }
  return found;
}

/** Works out what the ranking needs of a food's name, group, other names and portions. */
export function profileFood(name: string, foodGroup: string, searchTerms: string | undefined, water?: number, portions?: readonly unknown[]): FoodProfile {
  const list = nameWords(name);
  // Oysters are eaten raw: named as the food (not a cut, "Ostrich, oyster"), they are not cooked first.
  const eatenRaw = foodGroup === 'Finfish and Shellfish Products' && list.some((w) => w.segment <= 1 && EATEN_RAW_SHELLFISH.has(w.stem));
  const cookBeforeEating = !eatenRaw && (COOK_BEFORE_EATING_GROUPS.has(foodGroup) || /^egg\b/i.test(name));
  const segments = new Map<number, NameWord[]>();
  const indexOf = new Map<NameWord, number>();
  list.forEach((word, i) => {
    indexOf.set(word, i);
    if (word.note || word.alias) return;
    let members = segments.get(word.segment);
    if (!members) segments.set(word.segment, (members = []));
    members.push(word);
  });
  const first = segments.get(0) ?? [];
  const speciesCategory = first.length === 1 && SPECIES_WORDS.has(first[0]!.stem);

  // Words of a segment with a figure describe a measure ("8 grams protein per 8 ounce", "80% lean meat / 20% fat").
  const measured = new Set<number>();
  for (const word of list) if (hasDigit(word.lower)) measured.add(word.segment);
  const categorySegment = CATEGORY_SEGMENTS.has(first.map((w) => w.lower).join(' '));
  // Filed as a candy ("Candies, ..."), not a frozen yogurt or pudding of the same group.
  const candy = foodGroup === 'Sweets' && list[0]?.segment === 0 && list[0].stem === CANDIES_STEM;
  const costs = list.map((word) => {
    if (word.segment === 0 && categorySegment) return WORD_COST.other;
    let cost = costOf(word, speciesCategory && word.segment === 0);
    // A sweet's flavour is what sweets are made of ("TWIX Caramel", "M&M's Milk Chocolate"): no
    // variety of the candy, as chocolate is of milk.
    if (cost === WORD_COST.variety && candy && CONFECTION_FLAVOURS.has(word.stem)) cost = WORD_COST.other;
    if (measured.has(word.segment) && !word.note) return Math.min(cost, WORD_COST.plain);
    if (!word.afterWith || word.note) return cost;
    // "with calcium propionate", "in vegetable oil", "with salt": an additive is no other food;
    // "with vegetables", "with egg and bacon": another food came with it.
    if (cost <= WORD_COST.plain || ADDITIVE_WORDS.has(word.stem) || ADDITIVE_WORDS.has(stem(word.next))) return Math.min(cost, WORD_COST.plain);
    return Math.max(cost, WORD_COST.accompaniment);
  });
  // "X or Y": the two are alternatives; the pair costs what the cheaper one costs, Y being
  // every word after "or" in the segment ("nonfat or fat free": "fat free", not "fat").
  list.forEach((word, i) => {
    if (word.alternativeOf < 0) return;
    let alternative = 0;
    for (let j = i; j < list.length && list[j]!.segment === word.segment && list[j]!.inAlternative; j++) alternative += costOf({ ...list[j]!, note: false }, false);
    costs[word.alternativeOf] = Math.min(costs[word.alternativeOf]!, alternative);
  });
  // "extra lean and regular": USDA's average of a variety and the regular kind is the regular food too,
  // so the variety's words before "and regular" cost what a plain descriptor does.
  list.forEach((word, i) => {
    if (word.lower !== 'regular' || word.previous !== 'and') return;
    for (let j = i - 1; j >= 0 && list[j]!.segment === word.segment; j--) costs[j] = Math.min(costs[j]!, WORD_COST.plain);
  });
  // The segment that names the food: after category words ("Beverages"), a lone animal
  // ("Pork, cured, bacon"), brands ("McDONALD'S, Big Mac") and plain descriptors ("Chicken, broilers or fryers, breast").
  let headSegment = -1;
  let nextSegment = -1;
  const order = [...segments.keys()]; // in name order already
  for (const segment of order) {
    const members = segments.get(segment)!;
    const skippable = members.every((w) => {
      const cost = costs[indexOf.get(w)!]!;
      return (CATEGORY_WORDS.has(w.stem) && w.segment <= 1) || w.brand || cost <= WORD_COST.basicMethod || (segment === 0 && (speciesCategory || categorySegment));
    });
    if (!skippable) {
      if (headSegment === -1) headSegment = segment;
      else {
        nextSegment = segment;
        break;
      }
    }
  }
  if (headSegment === -1) {
    // Only brands ("Cereals ready-to-eat, GENERAL MILLS, CHEERIOS"): the last brand is the product.
    const branded = order.filter((s) => segments.get(s)!.some((w) => w.brand));
    headSegment = branded[branded.length - 1] ?? order.find((s) => segments.get(s)!.some((w) => !CATEGORY_WORDS.has(w.stem))) ?? 0;
  }
  const headWords = segments.get(headSegment) ?? [];
  const needed = (w: NameWord) => !w.brand && !w.afterWith && !(CATEGORY_WORDS.has(w.stem) && w.segment <= 1) && !PLAIN_WORDS.has(w.stem);
  const headNeeded = headWords.filter(needed).map((w) => w.stem);
  const kindNoun = categorySegment ? first[first.length - 1]!.stem : undefined;
  const namedAfter = kindNoun !== undefined && headSegment !== 0 && !headWords.some((w) => w.stem === kindNoun);
  const headBrands = headWords.filter((w) => w.brand).map((w) => w.stem);
  // The next segment may name it instead: USDA files some foods under a kind first ("Beverages, carbonated, cola").
  const nextNeeded = (segments.get(nextSegment) ?? []).filter(needed).map((w) => w.stem);

  const flags = list.map((word) => {
    let flag = 0;
    if (word.note) flag |= NOTE;
    if (word.negated) flag |= NEGATED;
    if (word.alias) flag |= ALIAS;
    if (word.afterWith) flag |= ACCOMPANIMENT;
    if (word.brand) flag |= BRAND;
    if (word.segment === headSegment) flag |= HEAD;
    else if (word.segment === nextSegment) flag |= NEXT;
    // Directly before another word it qualifies ("late harvest", "Salad dressing"), not before "and" ("Macaroni and cheese").
    if (!word.note && qualifies(word.next)) flag |= MODIFIER;
    return flag;
  });

  const stems = list.map((w) => w.stem);
  const extraWords = extraTermWords(searchTerms);
  for (const word of portionShapeWords(portions)) if (!extraWords.includes(word)) extraWords.push(word);
  return {
    stems,
    flags,
    costs,
    extraStems: [...new Set(extraWords.map(stem))],
    words: list.map((w) => w.lower),
    extraWords,
    headNeeded: headNeeded.length > 0 ? headNeeded : headWords.filter((w) => !w.brand).map((w) => w.stem),
    headBrands,
    nextNeeded,
    leading: headWords.find((w) => !w.brand)?.stem ?? stems[0],
    state: stateOf(list, foodGroup, cookBeforeEating, water),
    cookBeforeEating,
    rawByDefault: eatenRaw || RAW_BY_DEFAULT_GROUPS.has(foodGroup),
    special: SPECIAL_GROUPS.get(foodGroup),
    branded: list.some((w) => w.brand),
    alcoholic: list.some((w) => ALCOHOL_WORDS.has(w.stem)),
    generic: isGeneric(stems),
    dried: list.some((w) => !w.note && DRIED_WORDS.has(w.stem)),
    namedAfter,
  };
}
