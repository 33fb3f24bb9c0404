import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { auth } from '@modelcontextprotocol/client';
import { findClientRow, pruneIdleClients } from '../../../src/oauth/clients.js';
import { apiGet, postForm, startOAuthTestServer, type OAuthTestServer } from '../oauth-helpers.js';
import { claudeLike, signInWithSdk, vsCodeLike } from './sdk-client.js';

/** What an access token is for, asked the way a resource server may ask (RFC 7662). */
async function introspect(baseUrl: string, token: string, client: { client_id: string; client_secret?: string }): Promise<Record<string, unknown>> {
  const response = await postForm(baseUrl, '/oauth/introspect', { token, client_id: client.client_id, ...(client.client_secret ? { client_secret: client.client_secret } : {}) });
  assert.equal(response.status, 200, JSON.stringify(response.body));
  return response.body;
}

/** MCP clients sign in to Larder with the official SDK: discovery, registration, PKCE, iss, audience, refresh. */
describe('MCP sign-in with the official SDK client', () => {
  let server: OAuthTestServer;
  before(async () => {
    server = await startOAuthTestServer();
  });
  after(() => server.close());

  test('a public client discovers Larder from /mcp, registers itself, signs in with PKCE and gets a token for /mcp only', async () => {
    const provider = vsCodeLike();
    const { consent, callback, tokens } = await signInWithSdk(server.baseUrl, provider, server.user);

    // Discovery went through the /mcp protected resource metadata to Larder's own metadata.
    assert.equal(provider.discovery?.resourceMetadata?.resource, `${server.baseUrl}/mcp`);
    assert.equal(provider.discovery?.authorizationServerMetadata?.issuer, server.baseUrl);
    // Dynamic registration, as a public client.
    const clientId = provider.client!.client_id;
    assert.match(clientId, /^lc_/);
    assert.equal(provider.client!.client_secret, undefined);
    const row = await findClientRow(server.server.database.db, clientId);
    assert.equal(row?.registration, 'self');
    assert.equal(row?.name, 'Visual Studio Code');

    // The authorization request carried PKCE S256 and the /mcp resource; the response, the issuer.
    const requested = provider.authorizationUrl!.searchParams;
    assert.equal(requested.get('code_challenge_method'), 'S256');
    assert.equal(requested.get('resource'), `${server.baseUrl}/mcp`);
    assert.deepEqual(requested.get('scope')?.split(' '), ['foods:read', 'diary:read', 'diary:write', 'profile']);
    assert.equal(callback.searchParams.get('iss'), server.baseUrl);
    assert.equal(callback.origin, 'http://127.0.0.1:33418');

    // The consent page said who asked and where the person goes back to.
    assert.match(consent!.body, /registered itself with Larder\. Its name is unverified/);
    assert.match(consent!.body, /an app on this computer \(<strong>127\.0\.0\.1:33418<\/strong>\)/);

    // Audience binding (RFC 8707): the token is for /mcp and the API refuses it.
    assert.equal(tokens.token_type, 'Bearer');
    assert.ok(tokens.refresh_token, 'a refresh token without offline_access');
    assert.equal(tokens.scope, 'foods:read diary:read diary:write profile');
    const about = await introspect(server.baseUrl, tokens.access_token, { client_id: clientId });
    assert.equal(about.active, true);
    assert.equal(about.aud, `${server.baseUrl}/mcp`);
    const refused = await apiGet(server.baseUrl, '/api/foods/search?query=apple', tokens.access_token);
    assert.equal(refused.status, 401);
    assert.match(refused.headers.get('www-authenticate') ?? '', /error="invalid_token"/);
    assert.match(String(refused.body.error_description), /not issued for Larder API/);
  });

  test('refreshing rotates the refresh token, keeps the audience, and a reused one ends the grant', async () => {
    const provider = vsCodeLike();
    const { tokens } = await signInWithSdk(server.baseUrl, provider, server.user);
    const clientId = provider.client!.client_id;

    // The SDK refreshes when it has a refresh token and is asked to authorize again.
    assert.equal(await auth(provider, { serverUrl: `${server.baseUrl}/mcp` }), 'AUTHORIZED');
    const refreshed = provider.saved!;
    assert.notEqual(refreshed.access_token, tokens.access_token);
    assert.notEqual(refreshed.refresh_token, tokens.refresh_token, 'rotated');
    assert.equal((await introspect(server.baseUrl, refreshed.access_token, { client_id: clientId })).aud, `${server.baseUrl}/mcp`);

    // RFC 9700 section 4.14.2: the old refresh token again revokes the grant.
    const reuse = await postForm(server.baseUrl, '/oauth/token', { grant_type: 'refresh_token', refresh_token: tokens.refresh_token!, client_id: clientId });
    assert.equal(reuse.status, 400);
    assert.equal(reuse.body.error, 'invalid_grant');
    assert.equal((await introspect(server.baseUrl, refreshed.access_token, { client_id: clientId })).active, false);
  });

  test('a Claude-style confidential client registers anew for each connection, with its secret kept only as a hash', async () => {
    const first = claudeLike();
    const second = claudeLike();
    const one = await signInWithSdk(server.baseUrl, first, server.user);
    const two = await signInWithSdk(server.baseUrl, second, server.user);
    assert.notEqual(first.client!.client_id, second.client!.client_id, 'two registrations, two clients');
    for (const provider of [first, second]) {
      const secret = provider.client!.client_secret!;
      assert.ok(secret.length >= 40);
      const row = await findClientRow(server.server.database.db, provider.client!.client_id);
      assert.equal(row?.token_endpoint_auth_method, 'client_secret_post');
      assert.equal(row?.secret_hash, createHash('sha256').update(secret).digest('hex'));
      assert.notEqual(row?.secret_hash, secret);
    }
    // Each connection is its own grant on the consent page and in /account.
    assert.match(one.consent!.body, /sent back to <strong>claude\.ai<\/strong>/);
    assert.match(two.consent!.body, /Connect Claude to your Larder account\?/);
    assert.equal(one.callback.origin, 'https://claude.ai');
    const about = await introspect(server.baseUrl, two.tokens.access_token, { client_id: second.client!.client_id, client_secret: second.client!.client_secret! });
    assert.equal(about.aud, `${server.baseUrl}/mcp`);
    assert.equal(about.client_id, second.client!.client_id);
  });

  test('a pruned client gets invalid_client, and the SDK registers again', async () => {
    const provider = claudeLike();
    const { tokens } = await signInWithSdk(server.baseUrl, provider, server.user);
    const old = provider.client!;
    const operator = await server.createClient();

    // 31 days without use: the self-registered client goes, the operator's stays.
    const pruned = await pruneIdleClients(server.server.database.db, new Date(Date.now() + 31 * 24 * 60 * 60 * 1000));
    assert.ok(pruned >= 1);
    assert.equal(await findClientRow(server.server.database.db, old.client_id), undefined);
    assert.ok(await findClientRow(server.server.database.db, operator.client.clientId));

    const refresh = await postForm(server.baseUrl, '/oauth/token', { grant_type: 'refresh_token', refresh_token: tokens.refresh_token!, client_id: old.client_id, client_secret: old.client_secret! });
    assert.equal(refresh.status, 401);
    assert.equal(refresh.body.error, 'invalid_client');
    // Its access token went with it.
    assert.equal((await apiGet(server.baseUrl, '/api/foods/search?query=apple', tokens.access_token)).status, 401);

    // The SDK reacts to invalid_client by forgetting the client and registering a new one.
    provider.authorizationUrl = undefined;
    assert.equal(await auth(provider, { serverUrl: `${server.baseUrl}/mcp` }), 'REDIRECT');
    assert.ok(provider.invalidated.includes('client'));
    assert.ok(provider.client && provider.client.client_id !== old.client_id);
    assert.equal(provider.authorizationUrl!.searchParams.get('client_id'), provider.client.client_id);
  });

  test('an unknown client is refused at the token endpoint with invalid_client', async () => {
    const response = await postForm(server.baseUrl, '/oauth/token', { grant_type: 'authorization_code', code: 'x', redirect_uri: 'http://127.0.0.1:1/cb', client_id: 'lc_never-registered', code_verifier: 'v'.repeat(43) });
    assert.equal(response.status, 401);
    assert.equal(response.body.error, 'invalid_client');
  });
});
