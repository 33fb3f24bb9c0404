import { readFileSync } from 'node:fs';
import path from 'node:path';
import { packageRoot } from '../bundled.js';
import { STOPWORDS, stem, words } from './text.js';

/** Where the food synonyms are: data/food-synonyms.txt in this package (scripts/build-food-synonyms.ts makes it). */
export const foodSynonymsFile = (): string => path.join(packageRoot(), 'data', 'food-synonyms.txt');

/** How a name is looked up: its words' stems, stopwords left out ("Aubergines" -> "aubergine"). */
export const synonymKey = (text: string): string =>
  words(text)
    .filter((w) => !STOPWORDS.has(w))
    .map(stem)
    .join(' ');

export interface FoodSynonyms {
  /** name key (synonymKey) -> what the bundled catalog calls the same food. */
  names: ReadonlyMap<string, string>;
  /** The first stem of every name, so a query with none of them costs one look-up a word. */
  firstStems: ReadonlySet<string>;
  /** The most words a name has. */
  longest: number;
}

let loaded: FoodSynonyms | undefined;

/**
 * WordNet's other names for foods the bundled catalog names otherwise ("aubergine" ->
 * "eggplant"): same-synset lemmas only, read once, on first use (about 250 names, some 3 ms).
 */
export function foodSynonyms(): FoodSynonyms {
  if (loaded) return loaded;
  const names = new Map<string, string>();
  const firstStems = new Set<string>();
  let longest = 0;
  for (const line of readFileSync(foodSynonymsFile(), 'utf8').split('\n')) {
    const tab = line.indexOf('\t');
    if (tab < 1) continue;
    const key = synonymKey(line.slice(0, tab));
    if (key === '' || names.has(key)) continue;
    names.set(key, line.slice(tab + 1));
    const stems = key.split(' ');
    firstStems.add(stems[0]!);
    longest = Math.max(longest, stems.length);
  }
  loaded = { names, firstStems, longest };
  return loaded;
}
