import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { detectFoodFormat, readFoodFile } from '../../../src/catalog/import/detect.js';
import type { ImportedFood } from '../../../src/catalog/model.js';
import { ImportError } from '../../../src/errors.js';
import { fixturesDir } from '../../helpers/paths.js';
import { writeRelease } from './sr28-helpers.js';
import { removeAfterTests, tempDir, tempFile } from './temp-file.js';

async function all(input: string): Promise<ImportedFood[]> {
  const foods: ImportedFood[] = [];
  for await (const food of readFoodFile(input)) foods.push(food);
  return foods;
}

test('an SR28 folder or its FOOD_DES.txt goes to the SR28 reader', async () => {
  const dir = await writeRelease();
  removeAfterTests(dir);
  assert.equal(await detectFoodFormat(dir), 'sr28');
  assert.equal(await detectFoodFormat(path.join(dir, 'FOOD_DES.txt')), 'sr28');
  const foods = await all(dir);
  assert.equal(foods.length, 3);
  assert.ok(foods.every((f) => f.dataset === 'USDA SR28'));
});

test('JSON goes to the FoodData Central reader, by content not by name', async () => {
  const renamed = await tempFile('download.txt', await readFile(path.join(fixturesDir, 'fdc', 'survey.json')));
  assert.equal(await detectFoodFormat(renamed), 'fdc-json');
  assert.deepEqual(
    (await all(renamed)).map((f) => f.dataset),
    ['USDA FNDDS'],
  );
  const gz = await tempFile('foundation.json.gz', gzipSync(await readFile(path.join(fixturesDir, 'fdc', 'foundation.json'))));
  assert.equal(await detectFoodFormat(gz), 'fdc-json');
  assert.equal((await all(gz)).length, 2);
});

test('anything else gets an error saying what would work', async () => {
  const cases: Array<[string, string | Buffer, RegExp]> = [
    ['food.csv', '"fdc_id","data_type","description"\n', /CSV downloads are not supported/],
    ['FoodData.zip', Buffer.from('PK\x03\x04rest', 'latin1'), /zip archive: unzip it first/],
    ['NUT_DATA.txt', '~01001~^~203~^0.85^16', /one file of an SR28 release/],
    ['notes.txt', 'hello', /not a food file Larder recognises.*SR28.*FoodData Central JSON/],
  ];
  for (const [name, content, pattern] of cases) {
    const file = await tempFile(name, content);
    await assert.rejects(all(file), (err: unknown) => {
      assert.ok(err instanceof ImportError);
      assert.equal(err.location, name);
      assert.match(err.message, pattern);
      return true;
    });
  }
  const emptyDir = await tempDir();
  await assert.rejects(all(emptyDir), /the folder has no FOOD_DES\.txt/);
  await assert.rejects(all(path.join(emptyDir, 'nope.json')), /cannot read/);
});
