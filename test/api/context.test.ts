import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { flushUsageOf } from '../../src/api/usage.js';
import { createClient } from '../../src/oauth/clients.js';
import { GPT_CALLBACK, apiGet, startOAuthTestServer, type OAuthTestServer } from '../oauth/oauth-helpers.js';
import { mintAccessToken } from '../helpers/tokens.js';

/** The API context: its steps (token, audience, caller, scopes, quota, usage) in protocol order. */
describe('the API context', () => {
  let server: OAuthTestServer;
  let clientId: string;

  before(async () => {
    server = await startOAuthTestServer({ LARDER_QUOTA_FREE: '2' });
    ({ client: { clientId } } = await createClient(server.server.database.db, { name: 'Minted', redirectUris: [GPT_CALLBACK], scopes: ['foods:read', 'profile'] }));
  });
  after(() => server.close());

  test('a token issued for /api opens /api', async () => {
    const token = await mintAccessToken(server, { user: server.user, clientId, resource: `${server.config.appUrl}/api`, scopes: ['profile'] });
    const me = await apiGet(server.baseUrl, '/api/me', token);
    assert.equal(me.status, 200, JSON.stringify(me.body));
    assert.equal(me.body.name, 'Alice');
  });

  test('a token issued for another resource (/mcp) is refused by /api with 401 invalid_token (RFC 8707)', async () => {
    const token = await mintAccessToken(server, { user: server.user, clientId, resource: `${server.config.appUrl}/mcp`, scopes: ['profile'] });
    const me = await apiGet(server.baseUrl, '/api/me', token);
    assert.equal(me.status, 401);
    assert.equal(me.body.error, 'invalid_token');
    assert.match(String(me.body.error_description), /not issued for Larder API/);
    assert.match(me.headers.get('www-authenticate') ?? '', /resource_metadata="[^"]+\/\.well-known\/oauth-protected-resource"/);
    await flushUsageOf(server.server.database.db);
    const rows = await server.server.database.db.selectFrom('api_requests').select('status').where('user_id', '=', server.user.id).execute();
    assert.ok(!rows.some((row) => Number(row.status) === 401), 'a refused token records nothing for the person');
  });

  test('scopes are checked before the quota: a token without the scope gets 403 even when over quota', async () => {
    const busy = await server.createUser('busy@example.com', 'free');
    const token = await mintAccessToken(server, { user: busy, clientId, resource: `${server.config.appUrl}/api`, scopes: ['foods:read'] });
    for (let i = 0; i < 2; i++) assert.equal((await apiGet(server.baseUrl, '/api/foods/search?query=egg', token)).status, 200);
    assert.equal((await apiGet(server.baseUrl, '/api/foods/search?query=egg', token)).status, 429);
    assert.equal((await apiGet(server.baseUrl, '/api/me', token)).status, 403);
  });

  test('public routes outside the context pass none of its steps', async () => {
    for (const path of ['/openapi.json', '/.well-known/oauth-protected-resource', '/catalog', '/health']) {
      const response = await fetch(`${server.baseUrl}${path}`);
      assert.equal(response.status, 200, path);
      assert.equal(response.headers.get('www-authenticate'), null, path);
    }
  });

  test('an unknown /api path is a JSON 404, not a challenge', async () => {
    const response = await apiGet(server.baseUrl, '/api/nothing-here', undefined);
    assert.equal(response.status, 404);
    assert.equal(response.body.error, 'not_found');
  });
});
