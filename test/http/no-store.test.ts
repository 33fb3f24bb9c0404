import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { issueApiToken } from '../oauth/oauth-helpers.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { rawRequest } from './raw-http.js';

describe('no API reply may be stored by a cache', () => {
  let t: TestServer;
  let token: string;
  let foodsOnly: string;
  before(async () => {
    t = await startTestServer({ bundledCatalog: false });
    token = (await issueApiToken(t, { plan: 'free' })).accessToken;
    foodsOnly = (await issueApiToken(t, { scopes: ['foods:read'] })).accessToken;
  });
  after(async () => t?.close());

  const call = async (path: string, init: RequestInit & { bearer?: string } = {}) => {
    const { bearer, ...rest } = init;
    const response = await fetch(`${t.baseUrl}${path}`, { ...rest, headers: { ...(bearer ? { authorization: `Bearer ${bearer}` } : {}), ...(rest.headers as Record<string, string>) } });
    await response.arrayBuffer();
    return response;
  };

  test('personal answers: the profile, the diary, the day summary, a logged entry, a search', async () => {
    const json = { 'content-type': 'application/json' };
    const replies: Array<[string, Response, number]> = [
      ['GET /api/me', await call('/api/me', { bearer: token }), 200],
      ['GET /api/diary', await call('/api/diary?date=2026-01-02', { bearer: token }), 200],
      ['GET /api/diary/summary', await call('/api/diary/summary?date=2026-01-02', { bearer: token }), 200],
      ['GET /api/foods/search', await call('/api/foods/search?query=apple', { bearer: token }), 200],
      ['POST /api/diary (unknown food)', await call('/api/diary', { method: 'POST', bearer: token, headers: json, body: JSON.stringify({ food_id: 'nope', meal: 'lunch', grams: 10 }) }), 404],
    ];
    for (const [what, response, status] of replies) {
      assert.equal(response.status, status, what);
      assert.equal(response.headers.get('cache-control'), 'no-store', what);
    }
  });

  test('errors alike: no token, a bad token, a missing scope, bad input, unknown routes, bad bodies, bad addresses', async () => {
    const json = { 'content-type': 'application/json' };
    const replies: Array<[string, Response, number]> = [
      ['no token', await call('/api/me'), 401],
      ['a forged token', await call('/api/me', { bearer: 'forged-token-value' }), 401],
      ['a missing scope', await call('/api/me', { bearer: foodsOnly }), 403],
      ['a limit out of range', await call('/api/foods/search?query=apple&limit=99', { bearer: token }), 400],
      ['an unknown API route', await call('/api/nothing', { bearer: token }), 404],
      ['a broken JSON body', await call('/api/diary', { method: 'POST', bearer: token, headers: json, body: '{"food_id": ' }), 400],
      ['a wrong content type', await call('/api/diary', { method: 'POST', bearer: token, headers: { 'content-type': 'text/csv' }, body: 'a,b' }), 415],
      ['a body over the limit', await call('/api/diary', { method: 'POST', bearer: token, headers: json, body: JSON.stringify({ food_id: 'x'.repeat(2 * 1024 * 1024) }) }), 413],
      ['a broken %-escape', await call('/api/foods/%ff', { bearer: token }), 400],
      ['deleting an unknown entry', await call('/api/diary/does-not-exist', { method: 'DELETE', bearer: token }), 404],
    ];
    for (const [what, response, status] of replies) {
      assert.equal(response.status, status, what);
      assert.equal(response.headers.get('cache-control'), 'no-store', what);
    }
  });

  test('an absolute-form request target gets it too', async () => {
    const port = Number(new URL(t.baseUrl).port);
    const reply = await rawRequest(port, `GET ${t.baseUrl}/api/me HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${token}\r\nConnection: close\r\n\r\n`);
    assert.equal(reply.status, 200);
    assert.equal(reply.headers['cache-control'], 'no-store');
  });

  test('public documents keep their own caching', async () => {
    const openapi = await call('/openapi.json');
    assert.match(openapi.headers.get('cache-control') ?? '', /max-age/);
  });
});
