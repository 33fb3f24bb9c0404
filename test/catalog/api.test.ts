import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { RESPONSE_BUDGET_CHARS } from '../../src/api/budget.js';
import type { User } from '../../src/accounts/users.js';
import { NUTRIENTS } from '../../src/catalog/nutrients.js';
import { getFood, searchFoods } from '../../src/catalog/operations.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { issueApiToken } from '../oauth/oauth-helpers.js';

interface FoodReply {
  id: string;
  name: string;
  url: string;
  source: { dataset: string; id: string };
  nutrition: Array<{ name: string; amount: number; unit: string }>;
  portions: Array<{ label: string; grams: number }>;
}

describe('food API', () => {
  let t: TestServer;
  /** A pro account's token: the full nutrient panel (free accounts see the main nutrients). */
  let accessToken: string;
  before(async () => {
    t = await startTestServer();
    ({ accessToken } = await issueApiToken(t));
  });
  after(async () => t?.close());

  const get = async (path: string) => {
    const response = await fetch(`${t.baseUrl}${path}`, { headers: { authorization: `Bearer ${accessToken}` } });
    const text = await response.text();
    return { status: response.status, headers: response.headers, text, body: JSON.parse(text) as Record<string, unknown> };
  };

  test('search returns the 3 best matches with name, absolute catalog link, source and nutrients', async () => {
    const { status, body } = await get('/api/foods/search?query=banana');
    assert.equal(status, 200);
    const data = body.data as FoodReply[];
    assert.equal(data.length, 3);
    const first = data[0]!;
    assert.equal(first.name, 'Bananas, raw');
    assert.deepEqual(first.source, { dataset: 'USDA SR28', id: '09040' });
    assert.equal(first.url, `${t.config.appUrl}/catalog/bananas-raw`);
    const energy = first.nutrition.find((n) => n.name === 'Energy');
    assert.deepEqual(energy, { name: 'Energy', amount: 89, unit: 'kcal' });
    assert.ok(first.nutrition.some((n) => n.name === 'Protein' && n.unit === 'g'));
    assert.ok(first.portions.length > 0 && first.portions.every((p) => p.grams > 0));
  });

  test('the catalog link of a search result opens that food page', async () => {
    const { body } = await get('/api/foods/search?query=greek%20yogurt&limit=1');
    const food = (body.data as FoodReply[])[0]!;
    const page = await fetch(food.url);
    assert.equal(page.status, 200);
    assert.match(await page.text(), /Nutrition facts/);
  });

  test('limit chooses how many results, up to 10', async () => {
    const { body } = await get('/api/foods/search?query=chicken&limit=10');
    assert.equal((body.data as unknown[]).length, 10);
    const one = await get('/api/foods/search?query=chicken&limit=1');
    assert.equal((one.body.data as unknown[]).length, 1);
  });

  test('a food is read by its id', async () => {
    const { status, body } = await get('/api/foods/sr-09040');
    assert.equal(status, 200);
    assert.equal((body.data as FoodReply).name, 'Bananas, raw');
  });

  test('an unknown food id is a 404 with the JSON error shape', async () => {
    const { status, body } = await get('/api/foods/sr-00000');
    assert.equal(status, 404);
    assert.equal(body.error, 'not_found');
    assert.equal(typeof body.error_description, 'string');
  });

  for (const [label, path] of [
    ['a missing query', '/api/foods/search'],
    ['an empty query', '/api/foods/search?query='],
    ['a blank query', '/api/foods/search?query=%20%20'],
    ['an over-long query', `/api/foods/search?query=${'a'.repeat(201)}`],
    ['a limit over 10', '/api/foods/search?query=egg&limit=11'],
    ['a limit of 0', '/api/foods/search?query=egg&limit=0'],
    ['a limit that is not a number', '/api/foods/search?query=egg&limit=many'],
    ['a fractional limit', '/api/foods/search?query=egg&limit=2.5'],
  ] as const) {
    test(`${label} is a 400 invalid_request, never a 500`, async () => {
      const { status, body, headers } = await get(path);
      assert.equal(status, 400);
      assert.equal(body.error, 'invalid_request');
      assert.ok(String(body.error_description).length > 10);
      assert.match(headers.get('content-type') ?? '', /application\/json/);
    });
  }

  test('a query of only punctuation or unknown words finds nothing, with 200', async () => {
    for (const query of ['%21%21%21', 'zzqxv', '%F0%9F%8D%8C']) {
      const { status, body } = await get(`/api/foods/search?query=${query}`);
      assert.equal(status, 200);
      assert.deepEqual(body.data, []);
    }
  });

  test('a query with a NUL character is refused, as NUL is everywhere (http/refuse-nul.ts)', async () => {
    const { status, body } = await get('/api/foods/search?query=%00');
    assert.equal(status, 400);
    assert.equal(body.error, 'invalid_request');
  });

  test('search and food replies are the very documents of the operations, for a free and for a pro account', async () => {
    // The REST replies are put together from each food's JSON serialized once per tier;
    // they must be what the operations (and so the response schemas) describe.
    const free = await issueApiToken(t, { plan: 'free' });
    for (const [token, plan] of [[accessToken, 'pro'], [free.accessToken, 'free']] as const) {
      const caller = { user: { plan } as User, clientId: 'c', grantId: undefined, scopes: new Set<string>() };
      const deps = { catalog: t.server.catalog, appUrl: t.config.appUrl };
      for (const query of ['banana', 'chicken breast roasted', 'cheddar', 'zzz-nothing']) {
        const response = await fetch(`${t.baseUrl}/api/foods/search?query=${encodeURIComponent(query)}&limit=5`, { headers: { authorization: `Bearer ${token}` } });
        assert.equal(response.headers.get('content-type'), 'application/json; charset=utf-8');
        assert.deepEqual(await response.json(), await searchFoods(deps, caller, { query, limit: 5 }), `${plan}: ${query}`);
      }
      const one = await fetch(`${t.baseUrl}/api/foods/sr-09040`, { headers: { authorization: `Bearer ${token}` } });
      assert.deepEqual(await one.json(), await getFood(deps, caller, { id: 'sr-09040' }), plan);
    }
  });

  test('an unknown API route is a JSON 404', async () => {
    const { status, body } = await get('/api/nothing-here');
    assert.equal(status, 404);
    assert.equal(body.error, 'not_found');
  });

  test('responses stay under the GPT Actions size limit even for the largest foods', async () => {
    // Worst case: foods with the longest names, every nutrient and many portions.
    const huge = Array.from({ length: 12 }, (_, i) => ({
      dataset: 'Worst case',
      sourceId: `w${i}`,
      name: `Zzworstcase ${'very long descriptive words '.repeat(400)}${i}`,
      foodGroup: 'G'.repeat(5000),
      nutrients: Object.fromEntries(NUTRIENTS.map((n) => [n.key, 123456.789])),
      portions: Array.from({ length: 500 }, (_, p) => ({ label: `portion ${'x'.repeat(300)} ${p}`, grams: p + 1 })),
      searchTerms: 'zzworstcase',
    }));
    await t.server.catalog.importFoods(huge);
    const { status, text, body } = await get('/api/foods/search?query=zzworstcase&limit=10');
    assert.equal(status, 200);
    // 150 nutrients each: ten such foods pass the budget, so the list is trimmed and says so.
    const count = (body.data as unknown[]).length;
    assert.ok(count >= 8 && (count === 10 || body.truncated === true), `${count} foods, truncated ${String(body.truncated)}`);
    assert.ok(text.length <= RESPONSE_BUDGET_CHARS, `response was ${text.length} characters`);
    assert.equal((body.data as FoodReply[])[0]!.nutrition.length, NUTRIENTS.length);
    const single = await get('/api/foods/worst-case-w1');
    assert.equal(single.status, 200);
    assert.ok(single.text.length <= RESPONSE_BUDGET_CHARS);
  });
});
