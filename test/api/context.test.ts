import assert from 'node:assert/strict';
import http from 'node:http';
import { after, before, describe, test } from 'node:test';
import { flushUsageOf } from '../../src/api/usage.js';
import { createClient } from '../../src/oauth/clients.js';
import { GPT_CALLBACK, apiGet, basicAuth, postForm, startOAuthTestServer, type OAuthTestServer } from '../oauth/oauth-helpers.js';
import { mintAccessToken } from '../helpers/tokens.js';

/** The API context: its steps (token, audience, caller, scopes, quota, usage) in protocol order. */
describe('the API context', () => {
  let server: OAuthTestServer;
  let clientId: string;
  let clientSecret: string;

  before(async () => {
    server = await startOAuthTestServer({ LARDER_QUOTA_FREE: '2' });
    const created = await createClient(server.server.database.db, { name: 'Minted', redirectUris: [GPT_CALLBACK], scopes: ['foods:read', 'profile'] });
    clientId = created.client.clientId;
    clientSecret = created.clientSecret!;
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

  test('one keep-alive connection carrying different tokens, then a revoked one, is answered for each token as sent', async () => {
    const carol = await server.createUser('carol@example.com', 'pro');
    const bob = await server.createUser('bob@example.com', 'pro');
    const carols = await mintAccessToken(server, { user: carol, clientId, resource: `${server.config.appUrl}/api`, scopes: ['profile'] });
    const bobs = await mintAccessToken(server, { user: bob, clientId, resource: `${server.config.appUrl}/api`, scopes: ['profile'] });
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    const me = (authorization: string) =>
      new Promise<{ status: number; name: unknown; reused: boolean }>((resolve, reject) => {
        const request = http.get(`${server.baseUrl}/api/me`, { agent, headers: { authorization } }, (response) => {
          let body = '';
          response.setEncoding('utf8');
          response.on('data', (chunk: string) => (body += chunk));
          response.on('end', () => resolve({ status: response.statusCode ?? 0, name: (JSON.parse(body) as { name?: unknown }).name, reused: request.reusedSocket }));
        });
        request.on('error', reject);
      });
    try {
      const seen = [];
      for (const authorization of [`Bearer ${carols}`, `Bearer ${bobs}`, `Bearer ${carols}`, `bearer   ${carols}`, `Bearer ${carols}x`]) seen.push(await me(authorization));
      assert.deepEqual(
        seen.map(({ status, name }) => [status, name]),
        [[200, 'carol'], [200, 'bob'], [200, 'carol'], [200, 'carol'], [401, undefined]],
      );
      assert.ok(seen.slice(1).every((answer) => answer.reused), 'every request after the first went over the same connection');
      const revoked = await postForm(server.baseUrl, '/oauth/revoke', { token: carols, token_type_hint: 'access_token' }, { authorization: basicAuth(clientId, clientSecret) });
      assert.equal(revoked.status, 200);
      const afterRevocation = [await me(`Bearer ${carols}`), await me(`Bearer ${carols}`)];
      assert.deepEqual(afterRevocation.map(({ status }) => status), [401, 401], 'a revoked token is refused on the connection that used it');
      assert.equal((await me(`Bearer ${bobs}`)).status, 200);
    } finally {
      agent.destroy();
    }
  });
});
