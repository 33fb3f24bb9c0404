import assert from 'node:assert/strict';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import { bundleFilePath, readBundledCatalog } from '../../src/catalog/bundled.js';
import { Catalog } from '../../src/catalog/catalog.js';
import { readSr28 } from '../../src/catalog/import/sr28.js';
import { NUTRIENTS } from '../../src/catalog/nutrients.js';
import { createTestDatabase, type TestDatabase } from '../helpers/db.js';
import { sr28Dir } from '../helpers/paths.js';

const databases: TestDatabase[] = [];
after(async () => {
  for (const database of databases) await database.drop();
});

const foods = readBundledCatalog();

/** The rows of one SR28 file, fields split and tildes removed (Latin-1, CRLF). */
function releaseRows(name: string): string[][] {
  const file = path.join(sr28Dir, name);
  const bytes = existsSync(file) ? readFileSync(file) : gunzipSync(readFileSync(`${file}.gz`));
  return bytes
    .toString('latin1')
    .split('\r\n')
    .filter((line) => line.trim() !== '')
    .map((line) => line.split('^').map((field) => field.replace(/^~|~$/g, '')));
}

test('the bundled catalog is USDA SR28 in full: 8,789 foods, 150 nutrients, 15,438 portions', () => {
  assert.equal(foods.length, 8789);
  assert.equal(new Set(foods.map((f) => f.sourceId)).size, 8789);
  assert.equal(foods.reduce((n, f) => n + f.portions.length, 0), 15438);
  const reported = new Set(foods.flatMap((f) => Object.keys(f.nutrients)));
  assert.equal(reported.size, 150);
  assert.deepEqual([...reported].sort(), NUTRIENTS.map((n) => n.key).sort());
  assert.equal(foods.reduce((n, f) => n + Object.keys(f.nutrients).length, 0), 679045);
  assert.equal(foods.filter((f) => f.survey).length, 3404);

  const banana = foods.find((f) => f.sourceId === '09040')!;
  assert.equal(banana.name, 'Bananas, raw');
  assert.equal(banana.foodGroup, 'Fruits and Fruit Juices');
  assert.equal(banana.dataset, 'USDA SR28');
  assert.equal(banana.scientificName, 'Musa acuminata Colla');
  assert.equal(banana.survey, true);
  assert.deepEqual(banana.refuse, { percent: 36, description: 'Skin' });
  assert.equal(banana.nutrients.energy, 89);
  assert.equal(banana.nutrients.energy_kj, 371);
  assert.equal(banana.nutrients.potassium, 358);
  assert.equal(banana.portions.length, 8);
  assert.deepEqual(banana.portions[4], { label: '1 medium (7" to 7-7/8" long)', grams: 118, amount: 1, measure: 'medium (7" to 7-7/8" long)' });
  const butter = foods.find((f) => f.sourceId === '01001')!;
  assert.equal(butter.name, 'Butter, salted');
  assert.ok(butter.portions.some((p) => p.label === '1 tbsp' && p.grams === 14.2));
});

test('names are USDA long descriptions as USDA capitalises them (brands and proper nouns)', () => {
  const byId = new Map(foods.map((f) => [f.sourceId, f.name]));
  assert.equal(byId.get('01256'), 'Yogurt, Greek, plain, nonfat');
  assert.ok(foods.some((f) => f.name.startsWith('BURGER KING, ')));
  assert.ok(foods.some((f) => f.manufacturer === 'Chobani' && f.name.startsWith('Yogurt, Greek')), 'the maker is kept beside the name (ManufacName)');
  assert.ok(foods.some((f) => /^T\.G\.I\. FRIDAY'S, FRIDAY'S Shrimp, breaded$/.test(f.name)));
  assert.ok(foods.every((f) => f.name === f.name.trim() && f.name.length > 0));
});

test('the file stays small enough for git (under 8 MB)', () => {
  assert.ok(statSync(bundleFilePath()).size < 8_000_000, `${bundleFilePath()} is ${statSync(bundleFilePath()).size} bytes`);
});

const haveRelease = existsSync(path.join(sr28Dir, 'FOOD_DES.txt'));
describe('checked against the official release files', { skip: haveRelease ? false : `SR28 files not found in ${sr28Dir} (set LARDER_SHARED_DATA)` }, () => {
  test('every food, name, nutrient value and portion of the release is in the bundle', () => {
    const byId = new Map(foods.map((f) => [f.sourceId, f]));
    const described = releaseRows('FOOD_DES.txt');
    assert.equal(described.length, foods.length);
    for (const [ndb, , longDesc, , commonNames, manufacturer, survey] of described) {
      const food = byId.get(ndb!);
      assert.ok(food, `NDB ${ndb} is missing`);
      assert.equal(food.name, longDesc, `NDB ${ndb}: the name is USDA's Long_Desc`);
      assert.equal(food.commonNames ?? '', commonNames);
      assert.equal(food.manufacturer ?? '', manufacturer);
      assert.equal(food.survey, survey === 'Y');
    }
    const definitions = releaseRows('NUTR_DEF.txt');
    assert.equal(definitions.length, NUTRIENTS.length);
    const keyByNumber = new Map(NUTRIENTS.map((n) => [n.srNumber, n]));
    for (const [number, unit] of definitions) {
      assert.equal(keyByNumber.get(number!)?.unit, unit === '\u00b5g' ? 'µg' : unit, `nutrient ${number}`);
    }
    const values = releaseRows('NUT_DATA.txt');
    assert.equal(values.length, 679045);
    for (const [ndb, number, value] of values) {
      assert.equal(byId.get(ndb!)!.nutrients[keyByNumber.get(number!)!.key], Number(value), `NDB ${ndb} nutrient ${number}`);
    }
    const weights = releaseRows('WEIGHT.txt');
    assert.equal(weights.length, foods.reduce((n, f) => n + f.portions.length, 0));
    for (const [ndb, , amount, measure, grams] of weights) {
      assert.ok(byId.get(ndb!)!.portions.some((p) => p.measure === measure && p.amount === Number(amount) && p.grams === Number(grams)), `NDB ${ndb}: ${amount} ${measure}`);
    }
  });

  test('the bundle is what scripts/build-catalog.ts makes from the release (regenerate it when this fails)', async () => {
    const fromRelease = await readSr28(sr28Dir);
    // The bundle also says how many nutrients each food has (what the search index counts).
    for (const food of foods) assert.equal(food.nutrientCount, Object.keys(food.nutrients).length, food.sourceId);
    assert.deepEqual(
      foods.map(({ nutrientCount: _count, ...food }) => food),
      fromRelease,
    );
  });
});

test('it loads into an empty database once, and never again, even after foods are removed', async () => {
  const database = await createTestDatabase();
  databases.push(database);
  const catalog = new Catalog(database.db);
  const first = await catalog.loadBundledIfNeeded();
  assert.equal(first?.added, 8789);
  assert.equal(await catalog.count(), 8789);
  assert.equal(catalog.size, 8789, 'the search index is built');
  const banana = await catalog.findById('sr-09040');
  assert.equal(banana?.slug, 'bananas-raw');
  assert.equal(banana?.portions.length, 8);
  assert.equal(banana?.commonNames, undefined);
  assert.deepEqual(banana?.refuse, { percent: 36, description: 'Skin' });
  assert.equal(banana?.survey, true);
  assert.equal(Object.keys(banana?.nutrients ?? {}).length, 108);
  assert.equal(await catalog.loadBundledIfNeeded(), undefined);
  await database.db.deleteFrom('foods').where('id', '=', 'sr-09040').execute();
  assert.equal(await catalog.loadBundledIfNeeded(), undefined);
  assert.equal(await catalog.count(), 8788);
});

test('it never loads over foods an operator imported first', async () => {
  const database = await createTestDatabase();
  databases.push(database);
  const catalog = new Catalog(database.db);
  await catalog.importFoods([{ dataset: 'My data', sourceId: '1', name: 'House granola', foodGroup: 'Breakfast Cereals', nutrients: { energy: 450 }, portions: [] }]);
  assert.equal(await catalog.loadBundledIfNeeded(), undefined);
  assert.equal(await catalog.count(), 1);
  assert.deepEqual((await catalog.searchFoods('granola', 3)).results.map((r) => r.food.name), ['House granola']);
});
