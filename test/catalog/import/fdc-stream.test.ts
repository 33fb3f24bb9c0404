import assert from 'node:assert/strict';
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { once } from 'node:events';
import { after, test } from 'node:test';
import v8 from 'node:v8';
import vm from 'node:vm';
import { readFdcJson } from '../../../src/catalog/import/fdc-json.js';

const RECORDS = 20_000;
let dir: string | undefined;
after(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

const NUTRIENTS: Array<[string, string, string]> = [
  ['203', 'Protein', 'G'],
  ['204', 'Total lipid (fat)', 'G'],
  ['205', 'Carbohydrate, by difference', 'G'],
  ['208', 'Energy', 'KCAL'],
  ['269', 'Sugars, total including NLEA', 'G'],
  ['291', 'Fiber, total dietary', 'G'],
  ['301', 'Calcium, Ca', 'MG'],
  ['303', 'Iron, Fe', 'MG'],
  ['306', 'Potassium, K', 'MG'],
  ['307', 'Sodium, Na', 'MG'],
  ['320', 'Vitamin A, RAE', 'UG'],
  ['401', 'Vitamin C, total ascorbic acid', 'MG'],
  ['601', 'Cholesterol', 'MG'],
  ['605', 'Fatty acids, total trans', 'G'],
  ['606', 'Fatty acids, total saturated', 'G'],
];

/** A Branded record shaped like FDC's, about 3 KB. */
function brandedRecord(i: number): object {
  return {
    foodClass: 'Branded',
    description: `GENERATED SNACK BAR NUMBER ${i}, CHOCOLATE "PEANUT" {BRACES} [BRACKETS]`,
    foodNutrients: NUTRIENTS.map(([number, name, unitName], n) => ({
      type: 'FoodNutrient',
      id: i * 100 + n,
      nutrient: { id: 1000 + n, number, name, rank: n * 100, unitName },
      foodNutrientDerivation: { code: 'LCCS', description: 'Calculated from value per serving size measure', foodNutrientSource: { id: 9, code: '12', description: 'Manufacturer\'s analytical; partial documentation' } },
      amount: (i % 97) + n / 10,
    })),
    foodAttributes: [],
    modifiedDate: '8/18/2017',
    availableDate: '8/18/2017',
    marketCountry: 'United States',
    brandOwner: `Generated Foods ${i % 50}, Inc.`,
    gtinUpc: String(10_000_000_000 + i),
    dataSource: 'LI',
    ingredients: 'ROASTED PEANUTS, SUGAR, CHOCOLATE (SUGAR, COCOA BUTTER, CHOCOLATE LIQUOR, MILK, SOY LECITHIN, VANILLA), CORN SYRUP, PALM KERNEL OIL, SALT, NATURAL FLAVOR. CONTAINS: PEANUTS, MILK, SOY. MAY CONTAIN TREE NUTS. Crème brûlée ✓',
    servingSize: 40,
    servingSizeUnit: 'g',
    householdServingFullText: '1 BAR',
    labelNutrients: { fat: { value: 9 }, calories: { value: 190 }, protein: { value: 4 } },
    brandedFoodCategory: 'Snack, Energy & Granola Bars',
    dataType: 'Branded',
    fdcId: 1_000_000 + i,
    foodUpdateLog: [{ fdcId: 1_000_000 + i, availableDate: '8/18/2017', description: 'GENERATED' }],
    publicationDate: '4/1/2019',
    foodPortions: [],
  };
}

/** Heap in use after a full collection: what the importer actually holds on to. */
function retainedHeap(): number {
  v8.setFlagsFromString('--expose-gc');
  const gc = vm.runInNewContext('gc') as () => void;
  gc();
  return process.memoryUsage().heapUsed;
}

test(`a ${RECORDS.toLocaleString('en-US')}-record Branded file streams with bounded memory`, async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'larder-branded-'));
  const file = path.join(dir, 'branded.json');
  const out = createWriteStream(file);
  out.write('{"BrandedFoods":[');
  for (let i = 1; i <= RECORDS; i++) {
    if (!out.write((i > 1 ? ',' : '') + JSON.stringify(brandedRecord(i)))) await once(out, 'drain');
  }
  out.end(']}');
  await once(out, 'finish');
  const size = (await stat(file)).size;

  const baseline = retainedHeap();
  let peak = 0;
  let count = 0;
  let lastId = '';
  const started = performance.now();
  for await (const food of readFdcJson(file)) {
    count++;
    lastId = food.sourceId;
    if (count === 1) assert.equal(food.name, 'Generated snack bar number 1, chocolate "peanut" {braces} [brackets]');
    if (count % 2_500 === 0) peak = Math.max(peak, retainedHeap() - baseline);
  }
  const seconds = (performance.now() - started) / 1000;
  console.log(
    `# Branded stream: ${count} records, ${(size / 1e6).toFixed(1)} MB in ${seconds.toFixed(2)} s; ` +
      `retained heap growth at most ${(peak / 1e6).toFixed(1)} MB`,
  );

  assert.equal(count, RECORDS);
  assert.equal(lastId, String(1_000_000 + RECORDS));
  assert.ok(size > 40e6, `the generated file is large (${size} bytes)`);
  // Holding the parsed file would retain several times its size; a stream holds one chunk and one record.
  assert.ok(peak < 16e6, `retained heap grew by ${peak} bytes while reading a ${size}-byte file`);
  assert.ok(seconds < 60, `took ${seconds} s`);
});
