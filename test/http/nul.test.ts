import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createClient } from '../../src/oauth/clients.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { GPT_CALLBACK, basicAuth, issueApiToken } from '../oauth/oauth-helpers.js';

/** PostgreSQL refuses U+0000 in text with an error: before the fix, each of these was a 500 there. */
describe('a NUL character anywhere in the input is a 400, before any database sees it', () => {
  let t: TestServer;
  let token: string;
  let clientId: string;
  let clientSecret: string;
  before(async () => {
    t = await startTestServer({ bundledCatalog: false });
    token = (await issueApiToken(t)).accessToken;
    const created = await createClient(t.server.database.db, { name: 'NUL GPT', redirectUris: [GPT_CALLBACK], scopes: ['foods:read'] });
    clientId = created.client.clientId;
    clientSecret = created.clientSecret!;
  });
  after(async () => t?.close());

  const expectRefused = async (what: string, response: Response, type: RegExp = /^application\/json/) => {
    assert.equal(response.status, 400, `${what}: ${response.status}`);
    assert.match(response.headers.get('content-type') ?? '', type, what);
    const text = await response.text();
    if (type.source.includes('json')) {
      const body = JSON.parse(text) as { error: string; error_description: string };
      assert.equal(body.error, 'invalid_request', what);
      assert.match(body.error_description, /NUL/, what);
    }
  };

  test('in the API: a path, a query, a JSON body', async () => {
    const bearer = { authorization: `Bearer ${token}` };
    await expectRefused('path', await fetch(`${t.baseUrl}/api/foods/%00`, { headers: bearer }));
    await expectRefused('query', await fetch(`${t.baseUrl}/api/foods/search?query=apple%00`, { headers: bearer }));
    await expectRefused('query without a token', await fetch(`${t.baseUrl}/api/diary?date=%00`));
    await expectRefused('JSON body', await fetch(`${t.baseUrl}/api/diary`, { method: 'POST', headers: { ...bearer, 'content-type': 'application/json' }, body: '{"food_id": "sr-\\u0000", "meal": "lunch", "grams": 10}' }));
  });

  test('on the authorization server: a query, a form, a JSON token request, Basic credentials', async () => {
    const form = { 'content-type': 'application/x-www-form-urlencoded' };
    await expectRefused('authorize query', await fetch(`${t.baseUrl}/oauth/authorize?client_id=%00&response_type=code`));
    await expectRefused('token form', await fetch(`${t.baseUrl}/oauth/token`, { method: 'POST', headers: form, body: 'grant_type=authorization_code&code=x&client_id=%00&client_secret=y' }));
    await expectRefused('token form, a raw NUL byte', await fetch(`${t.baseUrl}/oauth/token`, { method: 'POST', headers: form, body: 'grant_type=authorization_code&code=a\u0000b&client_id=x&client_secret=y' }));
    await expectRefused('token JSON', await fetch(`${t.baseUrl}/oauth/token`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"grant_type": "refresh_token", "refresh_token": "\\u0000", "client_id": "x"}' }));
    await expectRefused('Basic credentials', await fetch(`${t.baseUrl}/oauth/token`, { method: 'POST', headers: { ...form, authorization: basicAuth('\u0000', 'x') }, body: 'grant_type=refresh_token&refresh_token=abc' }));
    await expectRefused('revocation form', await fetch(`${t.baseUrl}/oauth/revoke`, { method: 'POST', headers: form, body: `token=%00&client_id=${clientId}&client_secret=${clientSecret}` }));
    await expectRefused('registration', await fetch(`${t.baseUrl}/oauth/register`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"redirect_uris": ["https://example.com/cb"], "client_name": "a\\u0000b"}' }));
  });

  test('on pages: a form and an address get an error page', async () => {
    await expectRefused('log-in form', await fetch(`${t.baseUrl}/login`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'email=a%00@example.com&password=x&_csrf=x' }), /^text\/html/);
    await expectRefused('catalog page', await fetch(`${t.baseUrl}/catalog/apple%00`), /^text\/html/);
  });

  test('a well-formed token request still works through the checked form', async () => {
    const response = await fetch(`${t.baseUrl}/oauth/token`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: `grant_type=authorization_code&code=nope&redirect_uri=${encodeURIComponent(GPT_CALLBACK)}&client_id=${clientId}&client_secret=${clientSecret}` });
    assert.equal(response.status, 400);
    assert.equal(((await response.json()) as { error: string }).error, 'invalid_grant');
  });
});
