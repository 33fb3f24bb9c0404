import assert from 'node:assert/strict';
import { test } from 'node:test';
import { convertAmount, NutrientCollector, normalizeUnit } from '../../../src/catalog/import/nutrient-map.js';

test('the primary number wins over alternates whatever the order', () => {
  const c = new NutrientCollector();
  assert.equal(c.add('957', 243, 'KCAL'), true);
  assert.equal(c.add('208', 230, 'KCAL'), true);
  assert.equal(c.add('958', 229, 'KCAL'), false);
  assert.equal(c.add('269.3', 1.2, 'G'), true);
  assert.equal(c.add('269', 1.5, 'G'), true);
  assert.deepEqual(c.result(), { energy: 230, sugars: 1.5 });
});

test('alternates rank in the order nutrients.ts lists them, kJ energy last', () => {
  const c = new NutrientCollector();
  c.add('268', 1000, 'kJ');
  c.add('957', 243, 'kcal');
  c.add('958', 229, 'kcal');
  assert.equal(c.result().energy, 229);
  const onlyKj = new NutrientCollector();
  onlyKj.add('268', 418.4, 'kJ');
  assert.equal(onlyKj.result().energy, 100);
});

test('units are converted to Larder units, or the figure is dropped', () => {
  assert.equal(normalizeUnit('UG'), 'µg');
  assert.equal(normalizeUnit('\u03bcg'), 'µg');
  assert.equal(convertAmount(1500, 'UG', 'mg'), 1.5);
  assert.equal(convertAmount(0.3, 'g', 'mg'), 300);
  assert.equal(convertAmount(40, 'IU', 'µg'), undefined);
  const c = new NutrientCollector();
  assert.equal(c.add('306', 0.358, 'g'), true); // potassium is mg in Larder
  assert.equal(c.add('328', 40, 'IU'), false); // vitamin D in IU does not convert without knowing the form
  assert.equal(c.add('999', 1, 'g'), false);
  assert.deepEqual(c.result(), { potassium: 358 });
});
