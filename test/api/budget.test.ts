import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fitJsonList, fitList } from '../../src/api/budget.js';

const items = Array.from({ length: 7 }, (_, i) => ({ id: `food-${i}`, name: 'x'.repeat(10 + i * 13), amounts: [i, i * 2.5] }));
const signal = { close_match: false, note: 'No close match for "x"; the nearest is "y".' };
const wrap = (kept: readonly unknown[], truncated: boolean) => (truncated ? { data: [...kept], truncated } : { data: [...kept] });
const wrapWithSignal = (kept: readonly unknown[], truncated: boolean) => (truncated ? { data: [...kept], ...signal, truncated } : { data: [...kept], ...signal });

test('a list put together from serialized items is the document fitList makes, whatever the budget', () => {
  const pieces = items.map((item) => JSON.stringify(item));
  const full = JSON.stringify(wrap(items, false)).length;
  for (let budget = 20; budget <= full + 5; budget++) {
    const text = fitJsonList(pieces, {}, budget);
    assert.equal(text, JSON.stringify(fitList(items, wrap, budget)), `budget ${budget}`);
    assert.ok(text.length <= budget || JSON.parse(text).data.length === 0, `budget ${budget}: ${text.length} characters`);
    assert.equal(fitJsonList(pieces, signal, budget + 60), JSON.stringify(fitList(items, wrapWithSignal, budget + 60)), `budget ${budget + 60}, with fields`);
  }
});

test('an empty list is an empty data array', () => {
  assert.equal(fitJsonList([]), '{"data":[]}');
});
