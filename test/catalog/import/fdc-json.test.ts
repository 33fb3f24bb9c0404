import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, test } from 'node:test';
import { gzipSync } from 'node:zlib';
import type { ImportedFood } from '../../../src/catalog/model.js';
import { readFdcJson } from '../../../src/catalog/import/fdc-json.js';
import { readSr28 } from '../../../src/catalog/import/sr28.js';
import { ImportError } from '../../../src/errors.js';
import { fixturesDir, sr28Dir } from '../../helpers/paths.js';
import { tempFile } from './temp-file.js';

const fdcDir = path.join(fixturesDir, 'fdc');
async function collect(file: string): Promise<ImportedFood[]> {
  const foods: ImportedFood[] = [];
  for await (const food of readFdcJson(file)) foods.push(food);
  return foods;
}

function importError(location: string | RegExp, pattern: RegExp): (err: unknown) => boolean {
  return (err) => {
    assert.ok(err instanceof ImportError, `expected ImportError, got ${String(err)}`);
    if (typeof location === 'string') assert.equal(err.location, location);
    else assert.match(err.location, location);
    assert.match(err.message, pattern);
    return true;
  };
}

describe('FoodData Central JSON downloads', () => {
  test('SR Legacy: NDB numbers padded like SR28, portions, kcal over kJ', async () => {
    const foods = await collect(path.join(fdcDir, 'sr-legacy.json'));
    assert.equal(foods.length, 2);
    const [banana, butter] = foods;
    assert.equal(banana?.dataset, 'USDA SR Legacy');
    assert.equal(banana?.sourceId, '09040');
    assert.equal(banana?.name, 'Bananas, raw');
    assert.equal(banana?.foodGroup, 'Fruits and Fruit Juices');
    assert.equal(banana?.nutrients.energy, 89); // the 268 kJ row (371) is ignored
    assert.equal(banana?.nutrients.protein, 1.09);
    assert.equal(banana?.nutrients.potassium, 358);
    assert.equal(banana?.nutrients.selenium, 1);
    assert.equal(banana?.nutrients.vitamin_a, 3); // RAE in µg, not the 64 IU row
    assert.deepEqual(banana?.portions, [
      { label: '1 cup, mashed', grams: 225 },
      { label: '1 cup, sliced', grams: 150 },
      { label: '1 medium (7" to 7-7/8" long)', grams: 118 },
    ]);
    assert.equal(banana?.searchTerms, undefined);
    assert.equal(butter?.sourceId, '01001');
    assert.deepEqual(butter?.portions[1], { label: '1 tbsp', grams: 14.2 });
  });

  test('SR Legacy foods line up with the same foods read from SR28', { skip: !existsSync(sr28Dir) && `SR28 data not found in ${sr28Dir}` }, async () => {
    const fromFdc = await collect(path.join(fdcDir, 'sr-legacy.json'));
    const fromSr28 = new Map((await readSr28(sr28Dir)).map((f) => [f.sourceId, f]));
    for (const food of fromFdc) {
      const same = fromSr28.get(food.sourceId);
      assert.ok(same, `SR28 has ${food.sourceId}`);
      assert.equal(food.name, same.name);
      assert.equal(food.foodGroup, same.foodGroup);
      for (const [key, amount] of Object.entries(food.nutrients)) assert.equal(amount, same.nutrients[key], `${food.sourceId} ${key}`);
      for (const portion of food.portions) assert.ok(same.portions.some((p) => p.label === portion.label && p.grams === portion.grams), portion.label);
    }
  });

  test('Foundation: Atwater energy when there is no 208, kJ only as a last resort, Sugars Total', async () => {
    const [hummus, almond] = await collect(path.join(fdcDir, 'foundation.json'));
    assert.equal(hummus?.dataset, 'USDA FoodData Central Foundation');
    assert.equal(hummus?.sourceId, '321358');
    assert.equal(hummus?.name, 'Hummus, commercial');
    assert.equal(hummus?.foodGroup, 'Legumes and Legume Products');
    assert.equal(hummus?.nutrients.energy, 229); // 958 (specific factors) over 957 and kJ
    assert.equal(hummus?.nutrients.sugars, 0.34); // 269.3
    assert.equal(hummus?.nutrients.iron, undefined); // listed without an amount
    assert.deepEqual(hummus?.portions, [
      { label: '1 tablespoon', grams: 15.4 },
      { label: '1/4 cup', grams: 61.5 },
    ]);
    assert.equal(almond?.nutrients.energy, Number((2700 / 4.184).toPrecision(6)));
    assert.deepEqual(almond?.portions, [{ label: '1 tablespoon, creamy', grams: 16 }]);
  });

  test('Survey (FNDDS): WWEIA category, portion descriptions, additional descriptions as search terms', async () => {
    const [milk] = await collect(path.join(fdcDir, 'survey.json'));
    assert.deepEqual(milk, {
      dataset: 'USDA FNDDS',
      sourceId: '2340761',
      name: 'Milk, whole',
      foodGroup: 'Milk, whole',
      nutrients: { energy: 60, protein: 3.27, fat: 3.2, carbohydrate: 4.63, sugars: 4.81, calcium: 123, vitamin_d: 1.1 },
      portions: [
        { label: '1 cup', grams: 244 },
        { label: '1 fl oz', grams: 30.5 },
        { label: 'Quantity not specified', grams: 244 },
      ],
      searchTerms: 'Milk, NFS',
    });
  });

  test('Branded: sentence-cased names, brand in search terms, label serving, units converted', async () => {
    const [mochi, water, cookies] = await collect(path.join(fdcDir, 'branded.json'));
    assert.equal(mochi?.dataset, 'USDA FoodData Central Branded');
    assert.equal(mochi?.sourceId, '1105904');
    assert.equal(mochi?.name, 'Mochi ice cream bonbons');
    assert.equal(mochi?.foodGroup, 'Ice Cream & Frozen Yogurt');
    assert.equal(mochi?.searchTerms, 'G. T. Japan, Inc.; MY/MO; 00072554100116');
    assert.deepEqual(mochi?.portions, [{ label: '1 piece', grams: 40 }]);
    assert.equal(mochi?.nutrients.energy, 208);
    assert.equal(mochi?.nutrients.calcium, 100);
    assert.equal(mochi?.nutrients.vitamin_d, undefined); // only given in IU
    // Mixed case is kept as written; a serving in ml has no weight.
    assert.equal(water?.name, 'Organic Sparkling Water, Lime édition');
    assert.deepEqual(water?.portions, []);
    assert.deepEqual(cookies?.portions, [{ label: '1 serving (30 g)', grams: 30 }]);
    assert.equal(cookies?.nutrients.selenium, 1500); // UG is µg
  });

  test('a gzipped download reads the same', async () => {
    const file = await tempFile('branded.json.gz', gzipSync(await readFile(path.join(fdcDir, 'branded.json'))));
    assert.deepEqual(await collect(file), await collect(path.join(fdcDir, 'branded.json')));
  });

  test('progress reports bytes read of the file size', async () => {
    const file = path.join(fdcDir, 'survey.json');
    const calls: Array<[number, number | undefined]> = [];
    for await (const _ of readFdcJson(file, { onProgress: (done, total) => calls.push([done, total]) }));
    const size = (await readFile(file)).length;
    assert.deepEqual(calls.at(-1), [size, size]);
  });
});

describe('broken FoodData Central JSON', () => {
  test('a truncated file fails with the byte offset, after the complete records', async () => {
    const full = await readFile(path.join(fdcDir, 'sr-legacy.json'));
    const cut = full.subarray(0, full.indexOf('"Butter, salted"'));
    const file = await tempFile('sr-legacy.json', cut);
    const seen: string[] = [];
    await assert.rejects(
      (async () => {
        for await (const food of readFdcJson(file)) seen.push(food.sourceId);
      })(),
      importError(`sr-legacy.json: byte ${cut.length}`, /ends inside record 2: it is truncated/),
    );
    assert.deepEqual(seen, ['09040']);
  });

  test('a file cut between records fails too', async () => {
    const file = await tempFile('foods.json', '{"FoundationFoods": [{"fdcId": 1, "description": "A"},');
    await assert.rejects(collect(file), importError(/^foods\.json: byte \d+$/, /ends where it expected a food object/));
  });

  test('a record without fdcId names the record', async () => {
    const file = await tempFile('foods.json', '{"SurveyFoods": [{"fdcId": 1, "description": "A"}, {"description": "No id"}]}');
    await assert.rejects(collect(file), importError('foods.json: record 2', /has no fdcId/));
  });

  test('a record without description names the record and its fdcId', async () => {
    const file = await tempFile('foods.json', '{"SurveyFoods": [{"fdcId": 2345, "description": "  "}]}');
    await assert.rejects(collect(file), importError('foods.json: record 1 (fdcId 2345)', /has no description/));
  });

  test('a non-numeric amount names the record and the nutrient', async () => {
    const file = await tempFile(
      'foods.json',
      JSON.stringify({
        BrandedFoods: [
          { fdcId: 77, description: 'X', foodNutrients: [{ nutrient: { number: '208', name: 'Energy', unitName: 'KCAL' }, amount: 'lots' }] },
        ],
      }),
    );
    await assert.rejects(collect(file), importError('foods.json: record 1 (fdcId 77)', /nutrient 208 \(Energy\) has a non-numeric amount "lots"/));
  });

  test('invalid JSON inside a record names its byte offset', async () => {
    const text = '{"FoundationFoods": [{"fdcId": 1, "description": "A", "x": tru}]}';
    const file = await tempFile('foods.json', text);
    await assert.rejects(collect(file), importError(`foods.json: byte ${text.indexOf('{"fdcId')}`, /record 1 is not valid JSON/));
  });

  test('invalid JSON between records names its byte offset', async () => {
    const text = '{"FoundationFoods": [{"fdcId": 1, "description": "A"} {"fdcId": 2}]}';
    const file = await tempFile('foods.json', text);
    await assert.rejects(collect(file), importError(`foods.json: byte ${text.lastIndexOf('{')}`, /expected "," or "\]" after a food, found "\{"/));
  });

  test('an unknown top-level key lists the supported ones', async () => {
    const file = await tempFile('foods.json', '{"FNDDSFoods": []}');
    await assert.rejects(
      collect(file),
      importError('foods.json: byte 1', /unknown top-level key "FNDDSFoods".*SRLegacyFoods.*FoundationFoods.*SurveyFoods.*BrandedFoods/),
    );
  });

  test('a SR Legacy food without ndbNumber is an error', async () => {
    const file = await tempFile('foods.json', '{"SRLegacyFoods": [{"fdcId": 5, "description": "A"}]}');
    await assert.rejects(collect(file), importError('foods.json: record 1 (fdcId 5)', /ndbNumber/));
  });

  test('an empty food list is fine, an empty file is not', async () => {
    assert.deepEqual(await collect(await tempFile('empty-list.json', '\uFEFF{ "BrandedFoods" : [ ] }\n')), []);
    await assert.rejects(collect(await tempFile('empty.json', '')), importError('empty.json: byte 0', /ends before any JSON/));
  });
});
