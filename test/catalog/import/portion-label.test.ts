import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatAmount, portionLabel } from '../../../src/catalog/import/portion-label.js';

test('household amounts read as fractions where USDA means one', () => {
  const cases: Array<[number, string]> = [
    [1, '1'],
    [3, '3'],
    [0.5, '1/2'],
    [0.25, '1/4'],
    [0.75, '3/4'],
    [0.33, '1/3'],
    [0.333, '1/3'],
    [0.666, '2/3'],
    [0.67, '2/3'],
    [0.125, '1/8'],
    [0.167, '1/6'],
    [0.083, '1/12'],
    [1.5, '1 1/2'],
    [2.33, '2 1/3'],
    [6.75, '6 3/4'],
    [3.527, '3.527'],
    [5.3, '5.3'],
    [0.2, '0.2'],
    [1.94, '1.94'],
    [0.99, '0.99'],
  ];
  for (const [amount, text] of cases) assert.equal(formatAmount(amount), text, `${amount}`);
});

test('a label is the amount then the measure', () => {
  assert.equal(portionLabel(1, 'cup, sliced'), '1 cup, sliced');
  assert.equal(portionLabel(0.5, ' cup '), '1/2 cup');
  assert.equal(portionLabel(2, ''), '2');
});
