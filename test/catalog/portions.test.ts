import assert from 'node:assert/strict';
import { test } from 'node:test';
import { readBundledCatalog } from '../../src/catalog/bundled.js';
import { matchPortion, measureKey, parsePortionRequest } from '../../src/catalog/portions.js';

const foods = readBundledCatalog();
const counts = new Map<string, number>();
for (const food of foods) for (const key of new Set(food.portions.map(measureKey))) counts.set(key, (counts.get(key) ?? 0) + 1);
const commonness = (key: string) => counts.get(key) ?? 0;

function grams(ndb: string, request: string): { grams: number; label: string; note?: string } | undefined {
  const food = foods.find((f) => f.sourceId === ndb)!;
  const match = matchPortion(request, food.portions, { foodName: food.name, commonness });
  return match && { grams: Math.round(match.grams * 10) / 10, label: match.portion.label, ...(match.note ? { note: match.note } : {}) };
}

test('counts are read as people write them: numbers, fractions, words', () => {
  assert.deepEqual(parsePortionRequest('2 slices'), { count: 2, words: ['slic'] });
  assert.equal(parsePortionRequest('1 1/2 cups').count, 1.5);
  assert.equal(parsePortionRequest('1/2 cup').count, 0.5);
  assert.equal(parsePortionRequest('½ cup').count, 0.5);
  assert.equal(parsePortionRequest('half a cup').count, 0.5);
  assert.equal(parsePortionRequest('one and a half cups').count, 1.5);
  assert.equal(parsePortionRequest('a medium').count, 1);
  assert.deepEqual(parsePortionRequest('medium'), { count: 1, words: ['medium'] });
  assert.deepEqual(parsePortionRequest('2 Tablespoons').words, ['tbsp']);
  assert.deepEqual(parsePortionRequest('8 fl. oz').words, ['floz']);
  assert.deepEqual(parsePortionRequest('1 cup, sliced').words, parsePortionRequest('1 cup sliced').words);
});

test('"1 medium" banana is 118 g, "2 medium" 236 g, whatever the spelling', () => {
  for (const request of ['1 medium', 'a medium', 'medium', 'Medium', '1 med', '1 medium banana']) assert.equal(grams('09040', request)?.grams, 118, request);
  assert.equal(grams('09040', '2 medium')?.grams, 236);
  assert.equal(grams('09040', 'small')?.grams, 101);
  assert.equal(grams('09040', 'extra small')?.grams, 81, 'extra small is not small');
});

test('an ambiguous measure takes the reading measured for the most foods, and says so', () => {
  const cup = grams('09040', '1 cup');
  assert.equal(cup?.grams, 150);
  assert.equal(cup?.label, '1 cup, sliced');
  assert.match(cup?.note ?? '', /2 readings.*1 cup, sliced \(150 g\), 1 cup, mashed \(225 g\)/);
  assert.equal(grams('09040', '1 cup mashed')?.grams, 225);
  assert.equal(grams('09040', '1 cup mashed')?.note, undefined);
  assert.equal(grams('11529', '1 medium')?.label, '1 medium whole (2-3/5" dia)', 'a medium tomato, not a medium slice');
});

test('plurals, abbreviations and forms of a word match the portion USDA lists', () => {
  assert.equal(grams('09003', '1 cup sliced')?.label, '1 cup slices'); // apples
  assert.equal(grams('01001', '2 tablespoons')?.grams, 28.4); // butter
  assert.equal(grams('01001', '1 cup')?.grams, 227, '"1/2 cup" is 113.5 g, so a cup is twice that');
  assert.equal(grams('01001', '1 pat')?.grams, 5);
  assert.equal(grams('01123', '2 large eggs')?.grams, 100);
  assert.equal(grams('01079', '8 fl oz')?.grams, 244); // 2% milk
});

test('weights need no portion, and a volume converts from the food\'s own volume portion', () => {
  assert.equal(grams('09040', '100 g')?.grams, 100);
  assert.equal(grams('09040', '3 oz')?.grams, 85);
  const tbsp = grams('20045', '1 tbsp'); // cooked rice: only "1 cup" (158 g)
  assert.equal(tbsp?.grams, 9.9);
  assert.match(tbsp?.note ?? '', /converted from 1 cup \(158 g\)/);
});

test('a portion the food does not have matches nothing', () => {
  assert.equal(grams('09040', '1 bucket'), undefined);
  assert.equal(grams('09040', '2'), undefined);
  assert.equal(grams('09040', ''), undefined);
});
