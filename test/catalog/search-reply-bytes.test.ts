import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import Fastify from 'fastify';
import type { User } from '../../src/accounts/users.js';
import { restSchema } from '../../src/api/rest-route.js';
import { searchFoods, searchFoodsJson, searchFoodsOperation, type SearchFoodsInput } from '../../src/catalog/operations.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { issueApiToken } from '../oauth/oauth-helpers.js';

/**
 * The search reply is put together from pieces of text (each food's JSON serialized once
 * per tier, the match, the close-match fields) and kept once asked twice: its bytes must be
 * those of the operation's document serialized through the route's response schema, as
 * Fastify would send the object, and stay so when the reply is made anew, kept, or handed
 * back from the cache.
 */
describe('search reply bytes', () => {
  let t: TestServer;
  before(async () => {
    t = await startTestServer({ env: { LARDER_QUOTA_FREE: '100000', LARDER_QUOTA_PRO: '100000' } });
  });
  after(async () => t?.close());

  test('the reply text is the schema serialization of the searchFoods document, first, second and third time, for both tiers and every limit', async () => {
    // What Fastify sends for the object through the same response schema.
    const schemaApp = Fastify();
    let document: unknown;
    schemaApp.get('/s', { schema: restSchema(searchFoodsOperation, { input: 'none', errors: [400] }) }, async () => document);
    await schemaApp.ready();
    after(async () => schemaApp.close());

    const names = t.server.catalog.size;
    assert.ok(names > 1000, 'the bundled catalog is loaded');
    // Queries of every kind: plain, several words, typos, qualifiers, no close match, unknown words, accents and capitals.
    const queries = [
      'banana', 'chicken breast roasted', 'cheddar', 'Brocoli', 'oatmeal with milk', '2 percent milk', 'a can of tuna in water',
      'latte', 'zzqxv', 'crème brûlée', "McDonald's fries", 'PB&J', 'hot dog', 'iced tea', 'chick bre', 'beef with broccoli',
      'salmon fillet', 'eggs', 'yogurt cup', 'new york cheesecake', 'vodka soda', 'fruit cocktail', 'egg salad', 'rice',
      'apple juice', 'peanut butter', 'spinach raw', 'potato chips', 'coffee', 'bread whole wheat', 'cheerios', 'mac n cheese',
    ];
    const free = await issueApiToken(t, { plan: 'free' });
    const pro = await issueApiToken(t, { plan: 'pro' });
    let compared = 0;
    for (const [token, plan] of [[pro.accessToken, 'pro'], [free.accessToken, 'free']] as const) {
      const caller = { user: { plan } as User, clientId: 'c', grantId: undefined, scopes: new Set<string>() };
      const deps = { catalog: t.server.catalog, appUrl: t.config.appUrl };
      for (const [i, query] of queries.entries()) {
        const limit = i % 3 === 0 ? undefined : 1 + (i % 10);
        const input: SearchFoodsInput = limit === undefined ? { query } : { query, limit };
        document = await searchFoods(deps, caller, input);
        const expected = (await schemaApp.inject({ method: 'GET', url: '/s' })).body;
        assert.equal(expected, JSON.stringify(document), `${plan} ${query}: the schema serializes the document as JSON.stringify does`);
        const url = `${t.baseUrl}/api/foods/search?query=${encodeURIComponent(query)}${limit === undefined ? '' : `&limit=${limit}`}`;
        // Made anew, kept on the second sight, then from the cache.
        for (let time = 1; time <= 3; time++) {
          const response = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
          assert.equal(response.status, 200);
          const bytes = Buffer.from(await response.arrayBuffer());
          assert.equal(response.headers.get('content-length'), String(bytes.length));
          assert.ok(bytes.equals(Buffer.from(expected, 'utf8')), `${plan} ${query} (limit ${limit ?? 'default'}), time ${time}`);
          compared++;
        }
      }
    }
    assert.equal(compared, queries.length * 2 * 3);
  });

  test('the reply is the document trimmed to the response budget, at the budget and one character under it', async () => {
    const caller = { user: { plan: 'pro' } as User, clientId: 'c', grantId: undefined, scopes: new Set<string>() };
    let trimmed = 0;
    for (const query of ['chicken breast', 'crème brûlée', 'latte', 'zzqxv', 'Brocoli']) {
      const input: SearchFoodsInput = { query, limit: 10 };
      const whole = JSON.stringify(await searchFoods({ catalog: t.server.catalog, appUrl: t.config.appUrl }, caller, input)).length;
      for (const responseBudget of [whole + 1, whole, whole - 1, Math.floor(whole / 2), 50]) {
        const deps = { catalog: t.server.catalog, appUrl: t.config.appUrl, responseBudget };
        const expected = Buffer.from(JSON.stringify(await searchFoods(deps, caller, input)), 'utf8');
        if (responseBudget < whole) trimmed += expected.toString('utf8').endsWith(',"truncated":true}') ? 1 : 0;
        // Made, kept on the second sight, handed back on the third.
        for (let time = 1; time <= 3; time++) {
          const reply = await searchFoodsJson(deps, caller, input);
          const bytes = typeof reply.body === 'string' ? Buffer.from(reply.body, 'utf8') : reply.body;
          assert.ok(bytes.equals(expected), `${query}, budget ${responseBudget} of ${whole}, time ${time}`);
        }
      }
    }
    assert.ok(trimmed >= 10, `the budgets under the whole reply trimmed it (${trimmed})`);
  });

  test('a catalog change is in the next reply, even for a question kept', async () => {
    const { accessToken } = await issueApiToken(t, { plan: 'pro' });
    const url = `${t.baseUrl}/api/foods/search?query=zzbytesfood`;
    const ask = async () => (await (await fetch(url, { headers: { authorization: `Bearer ${accessToken}` } })).json()) as { data: Array<{ name: string }> };
    await t.server.catalog.importFoods([{ dataset: 'Test', sourceId: 'b1', name: 'Zzbytesfood, first', foodGroup: 'Test', nutrients: {}, portions: [], searchTerms: '' }]);
    for (let time = 0; time < 3; time++) assert.deepEqual((await ask()).data.map((f) => f.name), ['Zzbytesfood, first']);
    await t.server.catalog.importFoods([{ dataset: 'Test', sourceId: 'b2', name: 'Zzbytesfood, second', foodGroup: 'Test', nutrients: {}, portions: [], searchTerms: '' }]);
    assert.deepEqual((await ask()).data.map((f) => f.name).sort(), ['Zzbytesfood, first', 'Zzbytesfood, second']);
  });
});
