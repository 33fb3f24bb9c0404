import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import { readBundledCatalog } from '../../src/catalog/bundled.js';
import { foodIdFor } from '../../src/catalog/slug.js';
import { FoodSearchIndex } from '../../src/catalog/search/index.js';
import { repoRoot } from '../helpers/paths.js';
import { measureSearch, readJudgments } from '../helpers/search-eval.js';

const foods = readBundledCatalog().map((food) => ({ ...food, id: foodIdFor(food.dataset, food.sourceId) }));
const index = new FoodSearchIndex(foods);
const search = (query: string) => index.search(query, 3).hits.map((hit) => hit.id);

for (const [label, file, minimumAt1, minimumAt3] of [
  ['judged queries', path.join(repoRoot, 'test', 'catalog', 'search-judgments.json'), 0.8, 0.95],
  ['held-out queries', path.join(repoRoot, 'bench', 'search-holdout.json'), 0.8, 0.93],
  ['assistant-style queries', path.join(repoRoot, 'bench', 'search-assistant.json'), 0.75, 0.9],
] as const) {
  test(`search quality on the ${label} (success@1 and success@3)`, (t) => {
    const judgments = readJudgments(file);
    const quality = measureSearch(judgments, search);
    t.diagnostic(`${label}: ${quality.queries} queries, success@1 ${quality.successAt1.toFixed(3)}, success@3 ${quality.successAt3.toFixed(3)}`);
    for (const miss of quality.misses) t.diagnostic(`miss: "${miss.query}" -> ${miss.got.join(', ')}`);
    assert.ok(quality.queries >= 40);
    assert.ok(quality.successAt3 >= minimumAt3, `success@3 ${quality.successAt3} < ${minimumAt3}`);
    assert.ok(quality.successAt1 >= minimumAt1, `success@1 ${quality.successAt1} < ${minimumAt1}`);
  });
}

test('"banana" gives the plain raw fruit first, not chips or baby food', () => {
  assert.equal(search('banana')[0], 'sr-09040');
});

test('plurals, word order, typos and partial words find the same food', () => {
  const raw = 'sr-11457'; // Spinach, raw
  for (const query of ['spinach raw', 'raw spinach', 'spinach, raw', 'Spinach', 'spinch', 'spina']) {
    assert.equal(search(query)[0], raw, query);
  }
  assert.equal(search('strawberry')[0], search('strawberries')[0]);
  assert.equal(search('brocoli')[0], search('broccoli')[0]);
});

test('several words narrow to the food that has them all', () => {
  const top = search('chicken breast roasted');
  assert.match(foods.find((f) => f.id === top[0])!.name, /^Chicken.*breast.*roasted/);
});

test('a query with no known word finds nothing', () => {
  assert.deepEqual(search('qwxzv'), []);
  assert.deepEqual(search('   '), []);
});
