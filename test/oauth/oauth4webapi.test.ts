import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import * as oauth from 'oauth4webapi';
import { Visitor } from '../accounts/visitor.js';
import { apiGet, obtainCode, startOAuthTestServer, type OAuthTestServer } from './oauth-helpers.js';

const insecure = { [oauth.allowInsecureRequests]: true } as const;

/** oauth4webapi is strict about RFC 6749, 7636, 7009, 7662 and 8414: a third-party client's view. */
describe('oauth4webapi as a strict third-party client', () => {
  let server: OAuthTestServer;
  let as: oauth.AuthorizationServer;

  before(async () => {
    server = await startOAuthTestServer();
    const issuer = new URL(server.baseUrl);
    as = await oauth.processDiscoveryResponse(issuer, await oauth.discoveryRequest(issuer, { algorithm: 'oauth2', ...insecure }));
  });
  after(() => server.close());

  test('discovery (RFC 8414) validates and names every endpoint', () => {
    assert.equal(as.issuer, server.baseUrl);
    assert.equal(as.token_endpoint, `${server.baseUrl}/oauth/token`);
    assert.deepEqual(as.code_challenge_methods_supported, ['S256']);
  });

  test('public client with PKCE: code, tokens, API call, refresh, revocation', async () => {
    const redirectUri = 'http://localhost:8765/callback';
    const { client: registered } = await server.createClient({ name: 'CLI app', redirectUris: [redirectUri], isPublic: true, scopes: ['foods:read', 'profile'] });
    const client: oauth.Client = { client_id: registered.clientId, token_endpoint_auth_method: 'none' };
    const clientAuth = oauth.None();
    const verifier = oauth.generateRandomCodeVerifier();
    const state = oauth.generateRandomState();
    const { outcome } = await obtainCode(server, new Visitor(server.baseUrl), {
      response_type: 'code',
      client_id: client.client_id,
      redirect_uri: redirectUri,
      scope: 'foods:read profile',
      state,
      code_challenge: await oauth.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
    });
    const params = oauth.validateAuthResponse(as, client, outcome.redirect!, state);
    const tokens = await oauth.processAuthorizationCodeResponse(as, client, await oauth.authorizationCodeGrantRequest(as, client, clientAuth, params, redirectUri, verifier, insecure));
    assert.equal(tokens.token_type, 'bearer');
    assert.equal(tokens.scope, 'foods:read profile');
    assert.ok(tokens.refresh_token);
    assert.equal((await apiGet(server.baseUrl, '/api/me', tokens.access_token)).status, 200);

    const refreshed = await oauth.processRefreshTokenResponse(as, client, await oauth.refreshTokenGrantRequest(as, client, clientAuth, tokens.refresh_token!, insecure));
    assert.notEqual(refreshed.refresh_token, tokens.refresh_token);

    await oauth.processRevocationResponse(await oauth.revocationRequest(as, client, clientAuth, refreshed.refresh_token!, insecure));
    // Revoking the refresh token revokes the grant, and with it the access token.
    assert.equal((await apiGet(server.baseUrl, '/api/me', refreshed.access_token)).status, 401);
  });

  test('public client without PKCE is refused', async () => {
    const redirectUri = 'http://localhost:8766/callback';
    const { client } = await server.createClient({ name: 'No PKCE', redirectUris: [redirectUri], isPublic: true });
    const response = await fetch(`${server.baseUrl}/oauth/authorize?${new URLSearchParams({ response_type: 'code', client_id: client.clientId, redirect_uri: redirectUri, scope: 'foods:read', state: 's' })}`, { redirect: 'manual' });
    const location = new URL(response.headers.get('location')!);
    assert.equal(location.origin + location.pathname, redirectUri);
    assert.equal(location.searchParams.get('error'), 'invalid_request');
    assert.match(location.searchParams.get('error_description') ?? '', /PKCE|code_challenge/);
  });

  test('confidential client with client_secret_basic: code, refresh, introspection, revocation', async () => {
    const redirectUri = 'https://app.example.com/callback';
    const { client: registered, clientSecret } = await server.createClient({ name: 'Web app', redirectUris: [redirectUri], scopes: ['foods:read'] });
    const client: oauth.Client = { client_id: registered.clientId };
    const clientAuth = oauth.ClientSecretBasic(clientSecret!);
    const state = oauth.generateRandomState();
    const { outcome } = await obtainCode(server, new Visitor(server.baseUrl), { response_type: 'code', client_id: client.client_id, redirect_uri: redirectUri, state });
    const params = oauth.validateAuthResponse(as, client, outcome.redirect!, state);
    const tokens = await oauth.processAuthorizationCodeResponse(as, client, await oauth.authorizationCodeGrantRequest(as, client, clientAuth, params, redirectUri, oauth.nopkce, insecure));
    assert.equal(tokens.scope, 'foods:read', 'no scope asked: the client default');

    const active = await oauth.processIntrospectionResponse(as, client, await oauth.introspectionRequest(as, client, clientAuth, tokens.access_token, insecure));
    assert.equal(active.active, true);
    assert.equal(active.client_id, client.client_id);
    assert.equal(active.sub, server.user.id);
    assert.equal(active.scope, 'foods:read');

    const refreshed = await oauth.processRefreshTokenResponse(as, client, await oauth.refreshTokenGrantRequest(as, client, clientAuth, tokens.refresh_token!, insecure));
    await oauth.processRevocationResponse(await oauth.revocationRequest(as, client, clientAuth, refreshed.access_token, insecure));
    const inactive = await oauth.processIntrospectionResponse(as, client, await oauth.introspectionRequest(as, client, clientAuth, refreshed.access_token, insecure));
    assert.equal(inactive.active, false);
    assert.equal((await apiGet(server.baseUrl, '/api/foods/search?query=egg', refreshed.access_token)).status, 401);

    // Another client cannot introspect this client's tokens.
    const { client: other, clientSecret: otherSecret } = await server.createClient({ name: 'Other', redirectUris: ['https://other.example/cb'] });
    const peek = await oauth.processIntrospectionResponse(
      as,
      { client_id: other.clientId },
      await oauth.introspectionRequest(as, { client_id: other.clientId }, oauth.ClientSecretBasic(otherSecret!), refreshed.refresh_token!, insecure),
    );
    assert.equal(peek.active, false);
  });
});
