import assert from 'node:assert/strict';
import { test } from 'node:test';
import { NUTRIENTS, nutritionPanel } from '../../src/catalog/nutrients.js';

test('one definition per SR28 nutrient number and per key', () => {
  assert.equal(NUTRIENTS.length, 150);
  assert.equal(new Set(NUTRIENTS.map((n) => n.srNumber)).size, 150);
  assert.equal(new Set(NUTRIENTS.map((n) => n.key)).size, 150);
});

test('the free tier keeps the main nutrients; pro sees the full panel', () => {
  const amounts = Object.fromEntries(NUTRIENTS.map((n) => [n.key, 1]));
  assert.deepEqual(
    nutritionPanel(amounts, 'main').map((n) => n.name),
    ['Energy', 'Protein', 'Total fat', 'Saturated fat', 'Cholesterol', 'Carbohydrate', 'Dietary fiber', 'Total sugars', 'Sodium'],
  );
  assert.equal(nutritionPanel(amounts, 'full').length, 150);
});
