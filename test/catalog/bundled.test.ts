import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { Catalog } from '../../src/catalog/catalog.js';
import { readBundledCatalog } from '../../src/catalog/bundled.js';
import { createTestDatabase, type TestDatabase } from '../helpers/db.js';

const databases: TestDatabase[] = [];
after(async () => {
  for (const database of databases) await database.drop();
});

test('the bundled catalog: 8,790 USDA SR28 foods with readable names, groups, nutrients and portions', () => {
  const foods = readBundledCatalog();
  assert.equal(foods.length, 8790);
  const banana = foods.find((f) => f.sourceId === '09040')!;
  assert.equal(banana.name, 'Bananas, raw');
  assert.equal(banana.foodGroup, 'Fruits and Fruit Juices');
  assert.equal(banana.dataset, 'USDA SR28');
  assert.equal(banana.nutrients.energy, 89);
  assert.equal(banana.nutrients.potassium, 358);
  assert.ok(banana.portions.some((p) => p.label === '1 cup, mashed' && p.grams === 225));
  const butter = foods.find((f) => f.sourceId === '01001')!;
  assert.equal(butter.name, 'Butter, with salt');
  assert.deepEqual(butter.portions.find((p) => p.label === '1 tbsp'), { label: '1 tbsp', grams: 14.2 });
  assert.ok(foods.every((f) => f.name === f.name.trim() && /^[A-Z0-9]/.test(f.name) && f.name !== f.name.toUpperCase()), 'names are sentence case, not shouting');
  assert.ok(foods.every((f) => f.foodGroup.length > 0));
});

test('it loads into an empty database once, and never again, even after foods are removed', async () => {
  const database = await createTestDatabase();
  databases.push(database);
  const catalog = new Catalog(database.db);
  const first = await catalog.loadBundledIfNeeded();
  assert.equal(first?.added, 8790);
  assert.equal(await catalog.count(), 8790);
  assert.equal(catalog.size, 8790, 'the search index is built');
  assert.equal(await catalog.loadBundledIfNeeded(), undefined);
  await database.db.deleteFrom('foods').where('id', '=', 'sr-09040').execute();
  assert.equal(await catalog.loadBundledIfNeeded(), undefined);
  assert.equal(await catalog.count(), 8789);
});

test('it never loads over foods an operator imported first', async () => {
  const database = await createTestDatabase();
  databases.push(database);
  const catalog = new Catalog(database.db);
  await catalog.importFoods([{ dataset: 'My data', sourceId: '1', name: 'House granola', foodGroup: 'Breakfast Cereals', nutrients: { energy: 450 }, portions: [] }]);
  assert.equal(await catalog.loadBundledIfNeeded(), undefined);
  assert.equal(await catalog.count(), 1);
  assert.deepEqual((await catalog.searchFoods('granola', 3)).map((f) => f.name), ['House granola']);
});
