import assert from 'node:assert/strict';
import { test } from 'node:test';
import { readBundledCatalog } from '../../src/catalog/bundled.js';
import { foodSynonyms, synonymKey } from '../../src/catalog/search/food-synonyms.js';
import { FoodSearchIndex, type IndexableFood } from '../../src/catalog/search/index.js';
import { foodIdFor } from '../../src/catalog/slug.js';

/**
 * WordNet's other names of foods (data/food-synonyms.txt): a fallback for a word or phrase no
 * food is named by, searched as what the catalog calls the same food. The hand rules and the
 * catalog's own words come first.
 */
const foods: IndexableFood[] = readBundledCatalog().map((food) => ({ ...food, id: foodIdFor(food.dataset, food.sourceId) }));
const names = new Map(foods.map((f) => [f.id, f.name]));
// The search's default carries them; `foodSynonyms: false` is the search without them.
const withSynonyms = new FoodSearchIndex(foods);
const without = new FoodSearchIndex(foods, { foodSynonyms: false });

function first(index: FoodSearchIndex, query: string): { name: string | undefined; match: string | undefined; close: boolean } {
  const result = index.search(query, 3);
  const hit = result.hits[0];
  return { name: hit ? names.get(hit.id) : undefined, match: hit?.match, close: result.closeMatch };
}

test('the WordNet names load: one target a name, every target a name of the bundled catalog', () => {
  const { names: map, firstStems, longest } = foodSynonyms();
  assert.ok(map.size > 200, `${map.size} names`);
  assert.equal(map.get(synonymKey('chevre')), 'goat cheese');
  assert.equal(map.get(synonymKey('bean curd')), 'tofu');
  assert.ok(firstStems.has('bean'));
  assert.ok(longest >= 3);
  for (const [source, target] of map) {
    assert.notEqual(source, synonymKey(target), `${source} names itself`);
    // What the catalog calls the food: searched for, it is an exact match.
    const result = without.search(target, 3);
    assert.equal(result.hits[0]?.match, 'exact', `${source} -> ${target}`);
    assert.equal(result.closeMatch, true, `${source} -> ${target}`);
  }
  // Only synonyms: never a broader word ("grub" is any food, not the chuck steak WordNet lists with it).
  assert.equal(map.get('grub'), undefined);
});

test('a name the catalog lacks finds the food WordNet says it is, as a real match', () => {
  for (const [query, pattern] of [
    ['chevre', /^Cheese, goat/],
    ['bean curd', /^Tofu/],
    ['escargot', /^Mollusks, snail/],
    ['tunny', /^Fish, tuna/],
    ['a slice of chevre', /^Cheese, goat/],
  ] as const) {
    const got = first(withSynonyms, query);
    assert.match(got.name ?? '', pattern, query);
    assert.equal(got.match, 'exact', query);
    assert.equal(got.close, true, query);
  }
  // Without the names, the same queries find nothing close.
  assert.equal(first(without, 'chevre').close, false);
  assert.equal(first(without, 'bean curd').match, 'partial');
});

test('the hand rules and the catalog’s own words win over WordNet', () => {
  // "soya" is a phrase rewrite, "courgette" a word synonym, "chilli" a word the catalog has,
  // "cole slaw" two words the catalog writes as one: WordNet's names for them are not used.
  for (const query of ['soya milk', 'courgette', 'chilli', 'cole slaw', 'semi sweet chocolate', 'aubergine', 'lunch']) {
    assert.deepEqual(withSynonyms.search(query, 3), without.search(query, 3), query);
  }
});

test('a query with no WordNet name is searched as it always was', () => {
  for (const query of ['two scrambled eggs', 'grilled chicken breast', 'latte', 'brocoli', 'a bowl of oatmeal with milk']) {
    assert.deepEqual(withSynonyms.search(query, 3), without.search(query, 3), query);
  }
});
