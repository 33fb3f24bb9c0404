import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import * as oauth from 'oauth4webapi';
import { Visitor } from '../../accounts/visitor.js';
import { GPT_CALLBACK, PASSWORD, answerConsent, apiGet, authorizeUrl, followAuthorization, postForm, startOAuthTestServer, type OAuthTestServer } from '../oauth-helpers.js';

const insecure = { [oauth.allowInsecureRequests]: true } as const;

/** Audience binding (RFC 8707), resource and server metadata (RFC 9728, 8414) and iss (RFC 9207). */
describe('two resources, /api and /mcp', () => {
  let server: OAuthTestServer;
  let api: string;
  let mcp: string;
  let as: oauth.AuthorizationServer;
  let gpt: { clientId: string; clientSecret: string };

  before(async () => {
    server = await startOAuthTestServer();
    api = `${server.baseUrl}/api`;
    mcp = `${server.baseUrl}/mcp`;
    const issuer = new URL(server.baseUrl);
    as = await oauth.processDiscoveryResponse(issuer, await oauth.discoveryRequest(issuer, { algorithm: 'oauth2', ...insecure }));
    const created = await server.createClient();
    gpt = { clientId: created.client.clientId, clientSecret: created.clientSecret! };
  });
  after(() => server.close());

  const introspect = async (token: string) =>
    (await postForm(server.baseUrl, '/oauth/introspect', { token, client_id: gpt.clientId, client_secret: gpt.clientSecret })).body;

  const codeFor = async (extra: Record<string, string> | URLSearchParams) => {
    const params = new URLSearchParams({ response_type: 'code', client_id: gpt.clientId, redirect_uri: GPT_CALLBACK, state: 's', scope: '' });
    for (const [name, value] of new URLSearchParams(extra)) params.append(name, value);
    const visitor = new Visitor(server.baseUrl);
    let outcome = await followAuthorization(visitor, `/oauth/authorize?${params}`, { login: { email: server.user.email, password: PASSWORD } });
    if (outcome.page && /class="consent"/.test(outcome.page.body)) outcome = await answerConsent(visitor, outcome.page, 'allow', outcome.trail);
    const code = outcome.redirect?.searchParams.get('code');
    assert.ok(code, outcome.trail.join(' -> '));
    return { code, redirect: outcome.redirect! };
  };
  const redeem = (code: string, extra: Record<string, string> = {}) =>
    postForm(server.baseUrl, '/oauth/token', { grant_type: 'authorization_code', code, redirect_uri: GPT_CALLBACK, client_id: gpt.clientId, client_secret: gpt.clientSecret, ...extra });

  test('the authorization server metadata has what MCP clients look for', async () => {
    const metadata = (await (await fetch(`${server.baseUrl}/.well-known/oauth-authorization-server`)).json()) as Record<string, unknown>;
    assert.equal(metadata.issuer, server.baseUrl);
    assert.deepEqual(metadata.scopes_supported, ['foods:read', 'diary:read', 'diary:write', 'profile']);
    assert.ok(!(metadata.scopes_supported as string[]).includes('offline_access'));
    assert.deepEqual(metadata.code_challenge_methods_supported, ['S256']);
    assert.equal(metadata.registration_endpoint, `${server.baseUrl}/oauth/register`);
    assert.equal(metadata.client_id_metadata_document_supported, true);
    assert.equal(metadata.authorization_response_iss_parameter_supported, true);
    for (const method of ['none', 'client_secret_post', 'client_secret_basic']) assert.ok((metadata.token_endpoint_auth_methods_supported as string[]).includes(method), method);
    assert.deepEqual(metadata.grant_types_supported, ['authorization_code', 'refresh_token']);
  });

  test('the /mcp protected resource metadata names the /mcp resource (RFC 9728), and the /api documents stay', async () => {
    const response = await fetch(`${server.baseUrl}/.well-known/oauth-protected-resource/mcp`);
    assert.equal(response.status, 200);
    const document = (await response.json()) as Record<string, unknown>;
    assert.equal(document.resource, mcp);
    assert.deepEqual(document.authorization_servers, [server.baseUrl]);
    assert.deepEqual(document.bearer_methods_supported, ['header']);
    assert.deepEqual(document.scopes_supported, ['foods:read', 'diary:read', 'diary:write', 'profile']);
    // oauth4webapi checks the RFC 9728 rules (the resource equals the URL it was fetched for).
    const resource = await oauth.processResourceDiscoveryResponse(new URL(mcp), await oauth.resourceDiscoveryRequest(new URL(mcp), insecure));
    assert.equal(resource.resource, mcp);
    for (const path of ['/.well-known/oauth-protected-resource', '/.well-known/oauth-protected-resource/api']) {
      assert.equal(((await (await fetch(server.baseUrl + path)).json()) as { resource: string }).resource, api);
    }
  });

  test('a GPT (operator client) that sends no resource gets an /api token, as before', async () => {
    const { code } = await codeFor({});
    const tokens = await redeem(code);
    assert.equal(tokens.status, 200);
    assert.equal((await introspect(String(tokens.body.access_token))).aud, api);
    assert.equal((await apiGet(server.baseUrl, '/api/me', String(tokens.body.access_token))).status, 200);
  });

  test('a token asked for /mcp is for /mcp only: /api refuses it with 401', async () => {
    const { code } = await codeFor({ resource: mcp });
    const tokens = await redeem(code, { resource: mcp });
    assert.equal(tokens.status, 200, JSON.stringify(tokens.body));
    assert.equal((await introspect(String(tokens.body.access_token))).aud, mcp);
    const refused = await apiGet(server.baseUrl, '/api/me', String(tokens.body.access_token));
    assert.equal(refused.status, 401);
    assert.match(refused.headers.get('www-authenticate') ?? '', /error="invalid_token"/);
  });

  test('a code granted for /mcp cannot be turned into an /api token', async () => {
    const { code } = await codeFor({ resource: mcp });
    const tokens = await redeem(code, { resource: api });
    assert.equal(tokens.status, 400);
    assert.equal(tokens.body.error, 'invalid_target');
  });

  test('a grant for both resources gives a token for each, one audience per token', async () => {
    const { code } = await codeFor(new URLSearchParams([['resource', api], ['resource', mcp]]));
    const forMcp = await redeem(code, { resource: mcp });
    assert.equal(forMcp.status, 200, JSON.stringify(forMcp.body));
    assert.equal((await introspect(String(forMcp.body.access_token))).aud, mcp);
    assert.equal((await apiGet(server.baseUrl, '/api/me', String(forMcp.body.access_token))).status, 401);
    // The same grant's refresh token, now for the API.
    const forApi = await postForm(server.baseUrl, '/oauth/token', { grant_type: 'refresh_token', refresh_token: String(forMcp.body.refresh_token), resource: api, client_id: gpt.clientId, client_secret: gpt.clientSecret });
    assert.equal(forApi.status, 200, JSON.stringify(forApi.body));
    assert.equal((await introspect(String(forApi.body.access_token))).aud, api);
    assert.equal((await apiGet(server.baseUrl, '/api/me', String(forApi.body.access_token))).status, 200);
    // Naming neither: the client's default (the API, for an operator client).
    const unnamed = await postForm(server.baseUrl, '/oauth/token', { grant_type: 'refresh_token', refresh_token: String(forApi.body.refresh_token), client_id: gpt.clientId, client_secret: gpt.clientSecret });
    assert.equal((await introspect(String(unnamed.body.access_token))).aud, api);
  });

  test('a resource that is not Larder\'s is refused with invalid_target, in a redirect that carries iss', async () => {
    const response = await fetch(`${server.baseUrl}${authorizeUrl({ response_type: 'code', client_id: gpt.clientId, redirect_uri: GPT_CALLBACK, state: 'st', scope: '', resource: 'https://evil.example/api' })}`, { redirect: 'manual' });
    const location = new URL(response.headers.get('location')!);
    assert.equal(location.origin + location.pathname, GPT_CALLBACK);
    assert.equal(location.searchParams.get('error'), 'invalid_target');
    assert.equal(location.searchParams.get('iss'), as.issuer);
    assert.equal(location.searchParams.get('state'), 'st');
  });

  test('every authorization response carries iss byte-equal to the metadata issuer (RFC 9207), success and error', async () => {
    const { redirect } = await codeFor({ resource: mcp });
    assert.equal(redirect.searchParams.get('iss'), as.issuer);
    // oauth4webapi enforces RFC 9207 when the metadata advertises it: a missing or wrong iss is rejected.
    const client: oauth.Client = { client_id: gpt.clientId };
    assert.ok(oauth.validateAuthResponse(as, client, redirect, 's'));
    const stripped = new URL(redirect);
    stripped.searchParams.delete('iss');
    assert.throws(() => oauth.validateAuthResponse(as, client, stripped, 's'));

    // The person says no: access_denied, with iss.
    const visitor = new Visitor(server.baseUrl);
    const fresh = await server.createClient({ name: 'Another GPT' });
    const start = authorizeUrl({ response_type: 'code', client_id: fresh.client.clientId, redirect_uri: GPT_CALLBACK, state: 'deny', scope: '' });
    const consent = await followAuthorization(visitor, start, { login: { email: server.user.email, password: PASSWORD } });
    const denied = await answerConsent(visitor, consent.page!, 'deny');
    assert.equal(denied.redirect?.searchParams.get('error'), 'access_denied');
    assert.equal(denied.redirect?.searchParams.get('iss'), as.issuer);

    // A public client without PKCE: invalid_request, with iss.
    const { client: publicClient } = await server.createClient({ name: 'No PKCE', redirectUris: ['http://localhost:8799/cb'], isPublic: true });
    const noPkce = await fetch(`${server.baseUrl}${authorizeUrl({ response_type: 'code', client_id: publicClient.clientId, redirect_uri: 'http://localhost:8799/cb', state: 'p', scope: 'foods:read' })}`, { redirect: 'manual' });
    const location = new URL(noPkce.headers.get('location')!);
    assert.equal(location.searchParams.get('error'), 'invalid_request');
    assert.equal(location.searchParams.get('iss'), as.issuer);
  });

  test('PKCE for public clients is S256 only', async () => {
    const { client: publicClient } = await server.createClient({ name: 'Plain PKCE', redirectUris: ['http://localhost:8798/cb'], isPublic: true });
    const plain = await fetch(`${server.baseUrl}${authorizeUrl({ response_type: 'code', client_id: publicClient.clientId, redirect_uri: 'http://localhost:8798/cb', state: 'p', scope: 'foods:read', code_challenge: 'a'.repeat(43), code_challenge_method: 'plain' })}`, { redirect: 'manual' });
    const location = new URL(plain.headers.get('location')!);
    assert.equal(location.searchParams.get('error'), 'invalid_request');
  });

  test('metadata documents answer browser clients with CORS, preflights included', async () => {
    for (const path of ['/.well-known/oauth-authorization-server', '/.well-known/oauth-protected-resource/mcp']) {
      const preflight = await fetch(server.baseUrl + path, { method: 'OPTIONS', headers: { origin: 'http://localhost:6274', 'access-control-request-method': 'GET', 'access-control-request-headers': 'mcp-protocol-version' } });
      assert.equal(preflight.status, 204, path);
      assert.match(preflight.headers.get('access-control-allow-headers') ?? '', /MCP-Protocol-Version/);
      const answer = await fetch(server.baseUrl + path, { headers: { origin: 'http://localhost:6274', 'mcp-protocol-version': '2025-11-25' } });
      assert.equal(answer.status, 200);
      assert.equal(answer.headers.get('access-control-allow-origin'), '*', path);
      assert.equal(answer.headers.get('access-control-allow-credentials'), null);
    }
    const token = await fetch(`${server.baseUrl}/oauth/token`, { method: 'OPTIONS', headers: { origin: 'http://localhost:6274', 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type, authorization' } });
    assert.equal(token.status, 204);
    assert.match(token.headers.get('access-control-allow-headers') ?? '', /Authorization/);
  });

  test('the token endpoint answers a browser client only from one of its redirect URIs\' origins (clientBasedCORS)', async () => {
    const { client } = await server.createClient({ name: 'Browser app', redirectUris: ['http://localhost:6274/oauth/callback'], isPublic: true });
    const from = (origin: string) =>
      fetch(`${server.baseUrl}/oauth/token`, { method: 'POST', headers: { origin, 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ grant_type: 'authorization_code', code: 'nope', client_id: client.clientId, redirect_uri: 'http://localhost:6274/oauth/callback', code_verifier: 'v'.repeat(43) }) });
    const own = await from('http://localhost:6274');
    assert.equal(own.headers.get('access-control-allow-origin'), 'http://localhost:6274');
    assert.equal(((await own.json()) as { error: string }).error, 'invalid_grant');
    const foreign = await from('https://evil.example');
    assert.equal(foreign.headers.get('access-control-allow-origin'), null);
  });
});

