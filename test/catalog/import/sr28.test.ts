import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { copyFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import { gunzipSync, gzipSync } from 'node:zlib';
import { ImportError } from '../../../src/errors.js';
import { readSr28, SR28_DATASET } from '../../../src/catalog/import/sr28.js';
import { sr28Dir } from '../../helpers/paths.js';
import { MINI_RELEASE, nutRow, weightRow, writeRelease } from './sr28-helpers.js';

const tempDirs: string[] = [];
after(async () => {
  for (const dir of tempDirs) await rm(dir, { recursive: true, force: true });
});

async function release(...args: Parameters<typeof writeRelease>): Promise<string> {
  const dir = await writeRelease(...args);
  tempDirs.push(dir);
  return dir;
}

/** Asserts an ImportError at exactly `location` whose message matches `pattern`. */
function importError(location: string, pattern: RegExp): (err: unknown) => boolean {
  return (err) => {
    assert.ok(err instanceof ImportError, `expected ImportError, got ${String(err)}`);
    assert.equal(err.location, location);
    assert.match(err.message, pattern);
    return true;
  };
}

const haveRealData = existsSync(path.join(sr28Dir, 'FOOD_DES.txt'));
const skipReal = haveRealData ? false : `SR28 data not found in ${sr28Dir} (set LARDER_SHARED_DATA to the folder holding usda-sr28/)`;

describe('SR28 import of the real release', { skip: skipReal }, () => {
  test('reads all 8,789 foods with nutrients, portions and names as USDA writes them', async () => {
    const started = performance.now();
    let progressCalls = 0;
    let lastDone = 0;
    let lastTotal: number | undefined;
    const foods = await readSr28(sr28Dir, {
      onProgress: (done, total) => {
        progressCalls++;
        assert.ok(done >= lastDone, 'progress never goes back');
        lastDone = done;
        lastTotal = total;
      },
    });
    console.log(`# SR28: ${foods.length} foods in ${(performance.now() - started).toFixed(0)} ms`);

    assert.equal(foods.length, 8789);
    assert.equal(new Set(foods.map((f) => f.sourceId)).size, 8789);
    assert.ok(progressCalls > 0);
    assert.equal(lastDone, lastTotal, 'progress ends at the total');

    const banana = foods.find((f) => f.sourceId === '09040');
    assert.ok(banana);
    assert.equal(banana.dataset, SR28_DATASET);
    assert.equal(banana.name, 'Bananas, raw');
    assert.equal(banana.foodGroup, 'Fruits and Fruit Juices');
    assert.equal(banana.nutrients.energy, 89);
    assert.equal(banana.nutrients.protein, 1.09);
    assert.equal(banana.nutrients.potassium, 358);
    assert.equal(banana.nutrients.carbohydrate, 22.84);
    assert.equal(banana.nutrients.sugars, 12.23);
    assert.equal(banana.nutrients.fiber, 2.6);
    assert.equal(banana.searchTerms, undefined);
    assert.deepEqual(banana.portions.slice(0, 2), [
      { label: '1 cup, mashed', grams: 225, amount: 1, measure: 'cup, mashed' },
      { label: '1 cup, sliced', grams: 150, amount: 1, measure: 'cup, sliced' },
    ]);
    assert.deepEqual(banana.portions.at(-1), { label: '1 NLEA serving', grams: 126, amount: 1, measure: 'NLEA serving' });
    assert.equal(banana.scientificName, 'Musa acuminata Colla');
    assert.equal(banana.survey, true);
    assert.deepEqual(banana.refuse, { percent: 36, description: 'Skin' });
    assert.equal(banana.nutrients.energy_kj, 371);
    assert.equal(banana.portions.length, 8);

    const butter = foods.find((f) => f.sourceId === '01001');
    assert.equal(butter?.name, 'Butter, salted');
    assert.deepEqual(butter?.portions[0], { label: '1 pat (1" sq, 1/3" high)', grams: 5, amount: 1, measure: 'pat (1" sq, 1/3" high)' });

    // ComName and ManufacName become search terms.
    assert.equal(foods.find((f) => f.sourceId === '02012')?.searchTerms, 'Chinese parsley, cilantro');
    assert.equal(foods.find((f) => f.sourceId === '01188')?.searchTerms, 'Kraft Foods, Inc.');
    // Every food has energy (Nutr_No 208 is reported for all of them).
    assert.ok(foods.every((f) => typeof f.nutrients.energy === 'number'));
  });

  test('a FOOD_DES.txt cut mid-line fails naming the file and line', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'larder-sr28-cut-'));
    tempDirs.push(dir);
    for (const name of ['FD_GROUP.txt', 'NUT_DATA.txt.gz', 'WEIGHT.txt']) await copyFile(path.join(sr28Dir, name), path.join(dir, name));
    const full = await readFile(path.join(sr28Dir, 'FOOD_DES.txt'));
    const cutAt = Math.floor(full.length / 2);
    const cut = full.subarray(0, cutAt);
    const line = cut.toString('latin1').split('\n').length;
    assert.notEqual(cut.toString('latin1').endsWith('\n'), true, 'the cut lands mid-line');
    await writeFile(path.join(dir, 'FOOD_DES.txt'), cut);
    await assert.rejects(readSr28(dir), importError(`FOOD_DES.txt:${line}`, /expected 14 fields.*truncated/));
  });

  test('a NUT_DATA row with a bad number fails naming the file and line', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'larder-sr28-bad-'));
    tempDirs.push(dir);
    for (const name of ['FD_GROUP.txt', 'FOOD_DES.txt', 'WEIGHT.txt']) await copyFile(path.join(sr28Dir, name), path.join(dir, name));
    const lines = gunzipSync(await readFile(path.join(sr28Dir, 'NUT_DATA.txt.gz'))).toString('latin1').split('\r\n');
    const broken = 400_000;
    const fields = lines[broken - 1]!.split('^');
    fields[2] = '1,5';
    lines[broken - 1] = fields.join('^');
    await writeFile(path.join(dir, 'NUT_DATA.txt.gz'), gzipSync(Buffer.from(lines.join('\r\n'), 'latin1')));
    await assert.rejects(readSr28(dir), importError(`NUT_DATA.txt.gz:${broken}`, /Nutr_Val must be a number, found "1,5"/));
  });
});

describe('SR28 import of a small release', () => {
  test('maps fields, Latin-1 text, search terms, fractions and portion order', async () => {
    const dir = await release({}, ['NUT_DATA.txt']);
    const foods = await readSr28(path.join(dir, 'FOOD_DES.txt'));
    assert.deepEqual(
      foods.map((f) => f.sourceId),
      ['01001', '01015', '09040'],
    );
    const [butter, creme, banana] = foods;
    assert.deepEqual(butter, {
      dataset: 'USDA SR28',
      sourceId: '01001',
      name: 'Butter, salted',
      foodGroup: 'Dairy and Egg Products',
      nutrients: { energy: 717, protein: 0.85 },
      portions: [
        { label: '1 pat (1" sq, 1/3" high)', grams: 5, amount: 1, measure: 'pat (1" sq, 1/3" high)' },
        { label: '1 tbsp', grams: 14.2, amount: 1, measure: 'tbsp' },
        { label: '1/2 cup', grams: 113.5, amount: 0.5, measure: 'cup' },
      ],
      survey: true,
      refuse: { percent: 0, description: '' },
    });
    assert.equal(creme?.name, 'Crème fraîche');
    assert.equal(creme?.searchTerms, 'sour cream; Laiterie Exemple');
    assert.equal(creme?.commonNames, 'sour cream');
    assert.equal(creme?.manufacturer, 'Laiterie Exemple');
    assert.equal(creme?.survey, false);
    assert.equal(banana?.scientificName, 'Musa acuminata Colla');
    // 208 (kcal) wins over 268 (kJ) for energy, and 268 is kept as energy in kJ; 999 is no SR28 nutrient.
    assert.deepEqual(banana?.nutrients, { energy: 89, energy_kj: 371, potassium: 358 });
  });

  test('accepts a trailing CRLF and lower-case file names', async () => {
    const dir = await release({ 'WEIGHT.txt': [...MINI_RELEASE['WEIGHT.txt'], ''] });
    await rm(path.join(dir, 'FD_GROUP.txt'));
    await writeFile(path.join(dir, 'fd_group.txt'), MINI_RELEASE['FD_GROUP.txt'].join('\r\n'));
    assert.equal((await readSr28(dir)).length, 3);
  });

  test('a missing file is an error naming it', async () => {
    const dir = await release({ 'WEIGHT.txt': null });
    await assert.rejects(readSr28(dir), importError('WEIGHT.txt', /missing.*WEIGHT\.txt or WEIGHT\.txt\.gz/));
  });

  test('a nutrient row for an unknown food is an error', async () => {
    const dir = await release({ 'NUT_DATA.txt': [...MINI_RELEASE['NUT_DATA.txt'], nutRow('99999', '208', '1')] });
    await assert.rejects(readSr28(dir), importError('NUT_DATA.txt:8', /NDB_No 99999 is not in FOOD_DES\.txt/));
  });

  test('a portion for an unknown food is an error', async () => {
    const dir = await release({ 'WEIGHT.txt': [weightRow('01001', 1, '1', 'tbsp', '14.2'), weightRow('01002', 1, '1', 'tbsp', '14.2')] });
    await assert.rejects(readSr28(dir), importError('WEIGHT.txt:2', /NDB_No 01002 is not in FOOD_DES\.txt/));
  });

  test('a portion weight that is not a number is an error', async () => {
    const dir = await release({ 'WEIGHT.txt': [weightRow('01001', 1, '1', 'tbsp', 'abc')] });
    await assert.rejects(readSr28(dir), importError('WEIGHT.txt:1', /Gm_Wgt must be a number, found "abc"/));
  });

  test('a wrong field count is an error', async () => {
    const dir = await release({ 'NUT_DATA.txt': [`${nutRow('01001', '203', '0.85')}^extra`] });
    await assert.rejects(readSr28(dir), importError('NUT_DATA.txt:1', /expected 18 fields separated by "\^", found 19/));
  });

  test('an unclosed text field is an error', async () => {
    const dir = await release({ 'FD_GROUP.txt': ['~0100~^~Dairy and Egg Products', '~0900~^~Fruits~'] });
    await assert.rejects(readSr28(dir), importError('FD_GROUP.txt:1', /field 2 opens a text value with "~" but does not close it/));
  });

  test('an unknown food group is an error', async () => {
    const dir = await release({ 'FD_GROUP.txt': ['~0100~^~Dairy and Egg Products~'] });
    await assert.rejects(readSr28(dir), importError('FOOD_DES.txt:3', /food group 0900 is not in FD_GROUP\.txt/));
  });

  test('a truncated NUT_DATA.txt.gz is an error, not a short import', async () => {
    const rows = Array.from({ length: 20_000 }, (_, i) => nutRow('09040', String(200 + (i % 600)), `${i}.5`));
    const gz = gzipSync(Buffer.from(rows.join('\r\n'), 'latin1'));
    const dir = await release({ 'NUT_DATA.txt': gz.subarray(0, Math.floor(gz.length * 0.6)) });
    await assert.rejects(readSr28(dir), (err: unknown) => {
      assert.ok(err instanceof ImportError);
      assert.match(err.location, /^NUT_DATA\.txt:\d+$/);
      assert.match(err.message, /cannot decompress: unexpected end of file \(the file may be truncated\)/);
      return true;
    });
  });
});
