import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseQuery } from '../../src/catalog/search/query.js';

const roles = (query: string) => parseQuery(query).words.map((w) => `${w.text}:${w.role}${w.secondConjunct ? '+' : ''}`);

test('amounts, counts and units an assistant leaves in are not food words', () => {
  assert.deepEqual(roles('2 eggs'), ['eggs:core']);
  assert.deepEqual(roles('100g oats'), ['oats:core']);
  assert.deepEqual(roles('1 cup cooked quinoa'), ['cooked:optional', 'quinoa:core']);
  // Slices say the food is sliced ("two slices of ham": sliced ham), as a can says canned.
  assert.deepEqual(roles('two slices of whole wheat bread'), ['whole:core', 'wheat:core', 'bread:core', 'sliced:optional']);
  assert.deepEqual(roles('2% milk'), ['2%:core', 'milk:core']);
  // "some" is an amount too, whatever follows it.
  assert.deepEqual(roles('some parmesan'), ['parmesan:core']);
});

test('a kind of food named alone is read as its everyday one; with another food word it stays itself', () => {
  assert.deepEqual(roles('a bowl of cereal with milk'), ['cheerios:core', 'milk:side']);
  assert.deepEqual(roles('a handful of nuts'), ['mixed:core', 'nuts:core']);
  assert.deepEqual(roles('cream cheese'), ['cream:core', 'cheese:core']);
  // Crackers after "and" are a side, as after "with" (session 15's day round): the cheese is named alone.
  assert.deepEqual(roles('cheese and crackers'), ['cheddar:core', 'cheese:core', 'crackers:side']);
});

test('a container or measure before "of" is not the food, and a can says canned', () => {
  assert.deepEqual(roles('a bowl of oatmeal'), ['oatmeal:core']);
  assert.deepEqual(roles('3 strips of bacon'), ['bacon:core']);
  assert.deepEqual(roles('a handful of almonds'), ['almonds:core']);
  assert.deepEqual(roles('glass of orange juice'), ['orange:core', 'juice:core']);
  assert.deepEqual(roles('a can of tuna'), ['tuna:core', 'canned:optional']);
  // Without "of" the same word can be part of a name.
  assert.deepEqual(roles('pound cake'), ['pound:core', 'cake:core']);
});

test('"X with Y" names X, eaten with Y; "without" drops what follows', () => {
  assert.deepEqual(roles('a bowl of oatmeal with milk'), ['oatmeal:core', 'milk:side']);
  assert.deepEqual(roles('bagel with cream cheese'), ['bagel:core', 'cream:side', 'cheese:side']);
  assert.deepEqual(roles('coffee without sugar'), ['coffee:core']);
});

test('"X and Y" keeps both, marking Y so the index can fall back to X', () => {
  assert.deepEqual(roles('steak and chips'), ['steak:core', 'chips:core+']);
  const parsed = parseQuery('steak and chips');
  assert.equal(parsed.words[parsed.firstHead]!.text, 'steak');
  assert.equal(parsed.words[parsed.head]!.text, 'chips');
});

test('cooking words say which form is wanted; sizes and "fresh" only qualify', () => {
  assert.equal(parseQuery('grilled chicken breast').state, 'cooked');
  assert.equal(parseQuery('raw spinach').state, 'raw');
  assert.equal(parseQuery('dry roasted peanuts').state, 'cooked');
  assert.equal(parseQuery('chicken breast').state, 'unspecified');
  assert.deepEqual(roles('a large egg'), ['large:optional', 'egg:core']);
  assert.deepEqual(roles('fresh strawberries'), ['fresh:optional', 'strawberries:core']);
});

test('British names become the names USDA uses', () => {
  assert.deepEqual(roles('porridge'), ['oats:core', 'cooked:optional', 'water:side']);
  assert.deepEqual(roles('a packet of crisps'), ['potato:core', 'chips:core']);
  assert.deepEqual(roles('double cream'), ['heavy:core', 'cream:core']);
  assert.deepEqual(roles('wholemeal toast'), ['whole:core', 'wheat:core', 'toasted:optional', 'bread:core']);
});

test('the word naming the food is the last food word, never a figure', () => {
  const parsed = parseQuery('chicken breast grilled');
  assert.equal(parsed.words[parsed.head]!.text, 'breast');
  const milk = parseQuery('reduced fat milk 2%');
  assert.equal(milk.words[milk.head]!.text, 'milk');
});

test('"X in Y" is X packed in Y; the occasion, the place it came from and the package are not the food', () => {
  const parsed = parseQuery('tuna in water');
  assert.deepEqual(roles('tuna in water'), ['tuna:core', 'water:optional']);
  assert.equal(parsed.words[parsed.head]?.text, 'tuna');
  assert.deepEqual(roles('grapefruit half for breakfast'), ['grapefruit:core', 'half:optional']);
  assert.deepEqual(roles('a blueberry muffin from the bakery'), ['blueberry:core', 'muffin:core', 'bakery:side']);
  assert.deepEqual(roles('instant oatmeal packet'), ['instant:core', 'oatmeal:core']);
  assert.deepEqual(roles('a side of hash browns'), ['hash:core', 'browns:core']);
  assert.deepEqual(roles('an order of french fries'), ['french:core', 'fries:core']);
});

test('what follows "no" or "without" is what the food lacks, not a food word; "with" and an occasion end it', () => {
  const chili = parseQuery('chili no beans');
  assert.deepEqual(roles('chili no beans'), ['chili:core']);
  assert.deepEqual(chili.lacking, ['bean']);
  assert.deepEqual(parseQuery('chicken breast without the skin').lacking, ['skin']);
  assert.deepEqual(parseQuery('coffee with milk').lacking, []);
  assert.deepEqual(parseQuery('a hot dog no bun with mustard').lacking, ['bun']);
  assert.deepEqual(parseQuery('eggs for breakfast').lacking, []);
  assert.deepEqual(parseQuery('latte no sugar 2% milk').lacking, ['sugar']);
});

test('"crisp" after the food names the dish or product; before it, how crisp it is', () => {
  assert.deepEqual(roles('apple crisp'), ['apple:core', 'crisp:core']);
  assert.deepEqual(roles('crisp apple'), ['crisp:optional', 'apple:core']);
});
