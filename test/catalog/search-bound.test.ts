import assert from 'node:assert/strict';
import { test } from 'node:test';
import path from 'node:path';
import { readBundledCatalog } from '../../src/catalog/bundled.js';
import { foodIdFor } from '../../src/catalog/slug.js';
import { FoodSearchIndex, type IndexableFood } from '../../src/catalog/search/index.js';
import { repoRoot } from '../helpers/paths.js';
import { readJudgments } from '../helpers/search-eval.js';
import { readdirSync } from 'node:fs';

/**
 * The index rules candidates out by a bound on their score before scoring them (index.ts
 * rank). The bound must never be below a score, or a food that should rank would be
 * dropped: the bounded search must give what scoring every candidate gives, for every
 * query of the judged sets and variants of them, on the bundled catalog and on one where
 * broad words have thousands of foods. A ranking rule that adds to a score without
 * raising the bound (ceilings, surePenalty) fails here.
 */
const bundled: IndexableFood[] = readBundledCatalog().map((food) => ({ ...food, id: foodIdFor(food.dataset, food.sourceId) }));
const files = [
  path.join(repoRoot, 'test', 'catalog', 'search-judgments.json'),
  ...readdirSync(path.join(repoRoot, 'bench')).filter((f) => /^search-.*\.json$/.test(f)).map((f) => path.join(repoRoot, 'bench', f)),
];
const judged = [...new Set(files.flatMap((file) => readJudgments(file).map((j) => j.query)))];
// Broad words alone and with a qualifier: the queries with the most candidates.
const broad = ['beef', 'lean', 'raw', 'cheese', 'chicken', 'pork', 'soup', 'beef raw', 'beef roast', 'lean fat', 'pork cooked', 'chicken raw', 'cereals ready eat', 'babyfood', 'beverages', 'fast foods'];
const queries = [...judged, ...broad, ...judged.slice(0, 400).flatMap((q) => [q.toUpperCase(), `a bowl of ${q}`, `${q} with milk`, `${q} and eggs`, q.slice(0, Math.max(1, q.length - 2))])];

function compare(foods: IndexableFood[], list: readonly string[], limits: readonly number[]): number {
  const bounded = new FoodSearchIndex(foods);
  const plain = new FoodSearchIndex(foods, { boundScores: false });
  let compared = 0;
  for (const limit of limits) {
    for (const query of list) {
      assert.deepEqual(bounded.search(query, limit), plain.search(query, limit), `"${query}", limit ${limit}`);
      compared++;
    }
  }
  return compared;
}

test('the bounded search gives what scoring every candidate gives: judged queries and variants, limits 1, 3 and 10', () => {
  assert.ok(judged.length > 1500, `${judged.length} judged queries`);
  assert.equal(compare(bundled, queries, [1, 3, 10]), queries.length * 3);
});

test('the same on a catalog where a broad word has thousands of foods', () => {
  // The bundled foods again, each with a variation (a brand, a pack), as a large catalog has.
  const variations = ['store brand', 'organic', 'family pack', 'value size', 'deli style', 'homestyle'];
  const foods = [...bundled, ...bundled.map((food, i) => ({ ...food, id: `${food.id}-v${i}`, name: `${food.name}, ${variations[i % variations.length]}` }))];
  assert.equal(compare(foods, [...broad, ...judged.slice(0, 300)], [3]), broad.length + 300);
});
