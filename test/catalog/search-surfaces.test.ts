import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { issueApiToken } from '../oauth/oauth-helpers.js';

interface SearchReply {
  data: Array<{ id: string; name: string; url: string; match: string }>;
  close_match: boolean;
  note?: string;
}

const QUERIES = ['white rice', 'chicken breast', 'a bowl of oatmeal with milk', 'brocoli', 'latte', 'caesar salad', 'sour cream', 'prawns'];

describe('one ranking and one match signal on the API and /catalog', () => {
  let t: TestServer;
  let accessToken: string;
  before(async () => {
    t = await startTestServer();
    ({ accessToken } = await issueApiToken(t));
  });
  after(async () => t?.close());

  const api = async (query: string, limit = 3): Promise<SearchReply> => {
    const response = await fetch(`${t.baseUrl}/api/foods/search?query=${encodeURIComponent(query)}&limit=${limit}`, { headers: { authorization: `Bearer ${accessToken}` } });
    assert.equal(response.status, 200);
    return (await response.json()) as SearchReply;
  };
  const page = async (query: string): Promise<string> => {
    const response = await fetch(`${t.baseUrl}/catalog?q=${encodeURIComponent(query)}`);
    assert.equal(response.status, 200);
    return response.text();
  };

  test('every API result says how it matched, and the reply whether the first is a close match', async () => {
    const banana = await api('banana');
    assert.equal(banana.close_match, true);
    assert.equal(banana.note, undefined);
    assert.equal(banana.data[0]!.name, 'Bananas, raw');
    assert.equal(banana.data[0]!.match, 'exact');
    assert.ok(banana.data.every((food) => ['exact', 'partial', 'fuzzy'].includes(food.match)));
    const typo = await api('brocoli');
    assert.equal(typo.data[0]!.match, 'fuzzy');
    assert.equal(typo.close_match, true);
  });

  test('a food the catalog lacks gets close_match false and a note naming the nearest', async () => {
    const latte = await api('latte');
    assert.equal(latte.close_match, false);
    assert.match(latte.note ?? '', /^No close match for "latte" in the catalog; the nearest is ".+"\.$/);
    const nothing = await api('qwxzv');
    assert.deepEqual(nothing, { data: [], close_match: false, note: 'Nothing in the catalog matches "qwxzv".' });
  });

  test('/catalog shows the same foods in the same order as the API, and the same note', async () => {
    for (const query of QUERIES) {
      const reply = await api(query, 10);
      const html = await page(query);
      const slugs = [...html.matchAll(/<a href="\/catalog\/([^"]+)">/g)].map((m) => m[1]);
      assert.deepEqual(slugs.slice(0, reply.data.length), reply.data.map((food) => new URL(food.url).pathname.replace('/catalog/', '')), query);
      if (reply.note) assert.ok(html.includes(reply.note.replace(/"/g, '&quot;')) || html.includes(reply.note.replace(/"/g, '&#34;')), `${query}: ${reply.note}`);
      else assert.doesNotMatch(html, /No close match/, query);
    }
  });

  test('the OpenAPI document describes match, close_match and note', async () => {
    const document = (await (await fetch(`${t.baseUrl}/openapi.json`)).json()) as {
      paths: Record<string, { get?: { responses: Record<string, { content: Record<string, { schema: { properties: Record<string, { items?: { properties: Record<string, unknown> } }> } }> }> } }>;
    };
    const schema = document.paths['/api/foods/search']!.get!.responses['200']!.content['application/json']!.schema;
    assert.ok(schema.properties.close_match);
    assert.ok(schema.properties.note);
    assert.deepEqual((schema.properties.data!.items!.properties.match as { enum: string[] }).enum, ['exact', 'partial', 'fuzzy']);
  });
});
