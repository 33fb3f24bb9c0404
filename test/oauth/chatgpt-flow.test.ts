import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Visitor } from '../accounts/visitor.js';
import {
  GPT_CALLBACK,
  PASSWORD,
  answerConsent,
  apiGet,
  authorizeUrl,
  basicAuth,
  followAuthorization,
  obtainCode,
  postForm,
  postJson,
  startOAuthTestServer,
  type OAuthTestServer,
} from './oauth-helpers.js';

/** The sign-in exactly as a ChatGPT custom GPT (GPT Actions) drives it. */
describe('ChatGPT GPT Actions flow over HTTP', () => {
  let server: OAuthTestServer;
  let clientId: string;
  let clientSecret: string;

  before(async () => {
    server = await startOAuthTestServer();
    const created = await server.createClient();
    clientId = created.client.clientId;
    clientSecret = created.clientSecret!;
  });
  after(() => server.close());

  const gptParams = (state: string) => ({ response_type: 'code', client_id: clientId, redirect_uri: GPT_CALLBACK, state, scope: '' });

  test('discovery is served at both well-known addresses with the same content', async () => {
    const oauth = (await (await fetch(`${server.baseUrl}/.well-known/oauth-authorization-server`)).json()) as Record<string, string & string[]>;
    const openid = await (await fetch(`${server.baseUrl}/.well-known/openid-configuration`)).json();
    assert.deepEqual(oauth, openid);
    assert.equal(oauth.issuer, server.baseUrl);
    assert.equal(oauth.authorization_endpoint, `${server.baseUrl}/oauth/authorize`);
    assert.equal(oauth.token_endpoint, `${server.baseUrl}/oauth/token`);
    assert.equal(oauth.revocation_endpoint, `${server.baseUrl}/oauth/revoke`);
    assert.equal(oauth.introspection_endpoint, `${server.baseUrl}/oauth/introspect`);
    assert.equal(oauth.jwks_uri, `${server.baseUrl}/oauth/jwks`);
    // Issue 7 turned dynamic registration (RFC 7591) on for MCP clients; GPT Actions do not use it.
    assert.equal(oauth.registration_endpoint, `${server.baseUrl}/oauth/register`);
    assert.deepEqual(oauth.scopes_supported, ['foods:read', 'diary:read', 'diary:write', 'profile']);
    assert.deepEqual(oauth.code_challenge_methods_supported, ['S256']);
    for (const method of ['client_secret_post', 'client_secret_basic', 'none']) assert.ok(oauth.token_endpoint_auth_methods_supported!.includes(method), method);
    const jwks = (await (await fetch(`${server.baseUrl}/oauth/jwks`)).json()) as { keys: Array<Record<string, unknown>> };
    assert.ok(jwks.keys.length >= 1);
    assert.equal(jwks.keys[0]!.d, undefined, 'no private key material');
  });

  test('authorize with state and empty scope -> login -> consent -> code -> tokens (post, Basic, JSON) -> API -> refresh -> revoke -> 401', async () => {
    const visitor = new Visitor(server.baseUrl);
    const state = 'xyz-state_123.~';

    // The browser is not logged in: Larder sends it to /login and back to the interaction.
    const first = await followAuthorization(visitor, authorizeUrl(gptParams(state)), { login: { email: server.user.email, password: PASSWORD } });
    assert.ok(first.trail.some((u) => new URL(u).pathname === '/login'), `went through /login: ${first.trail.join(' -> ')}`);
    const consent = first.page!;
    assert.equal(consent.status, 200);
    assert.match(consent.body, /Connect My GPT to your Larder account/);
    for (const words of ['Search the food catalog', 'Read your food diary', 'Add and remove entries', 'See your name and your plan']) assert.ok(consent.body.includes(words), words);
    assert.match(consent.headers.get('content-security-policy') ?? '', /form-action 'self' https:\/\/chat\.openai\.com/);

    const approved = await answerConsent(visitor, consent, 'allow', first.trail);
    const redirect = approved.redirect!;
    assert.equal(`${redirect.origin}${redirect.pathname}`, GPT_CALLBACK);
    assert.equal(redirect.searchParams.get('state'), state, 'state comes back untouched');
    const code = redirect.searchParams.get('code')!;
    assert.ok(code);

    // Token request as ChatGPT sends it by default: form body with the secret in it.
    const token = await postForm(server.baseUrl, '/oauth/token', { grant_type: 'authorization_code', code, redirect_uri: GPT_CALLBACK, client_id: clientId, client_secret: clientSecret });
    assert.equal(token.status, 200, JSON.stringify(token.body));
    assert.equal(token.body.token_type, 'Bearer');
    assert.equal(typeof token.body.access_token, 'string');
    assert.equal(typeof token.body.refresh_token, 'string');
    assert.equal(token.body.expires_in, 3600);
    assert.equal(token.body.scope, 'foods:read diary:read diary:write profile');
    assert.equal(token.headers.get('cache-control'), 'no-store');

    const accessToken = String(token.body.access_token);
    const foods = await apiGet(server.baseUrl, '/api/foods/search?query=banana', accessToken);
    assert.equal(foods.status, 200, JSON.stringify(foods.body));
    const me = await apiGet(server.baseUrl, '/api/me', accessToken);
    assert.equal(me.status, 200);
    assert.deepEqual(me.body, { id: server.user.id, name: 'Alice', plan: 'free' });

    // Refresh: a new pair; the old refresh token is spent.
    const refreshed = await postForm(server.baseUrl, '/oauth/token', { grant_type: 'refresh_token', refresh_token: String(token.body.refresh_token), client_id: clientId, client_secret: clientSecret });
    assert.equal(refreshed.status, 200, JSON.stringify(refreshed.body));
    assert.notEqual(refreshed.body.refresh_token, token.body.refresh_token, 'rotated');
    assert.equal(refreshed.body.scope, 'foods:read diary:read diary:write profile');
    const newAccess = String(refreshed.body.access_token);
    assert.equal((await apiGet(server.baseUrl, '/api/me', newAccess)).status, 200);

    // Revoke (RFC 7009) with HTTP Basic: the next request is refused.
    const revoked = await postForm(server.baseUrl, '/oauth/revoke', { token: newAccess, token_type_hint: 'access_token' }, { authorization: basicAuth(clientId, clientSecret) });
    assert.equal(revoked.status, 200);
    const after = await apiGet(server.baseUrl, '/api/me', newAccess);
    assert.equal(after.status, 401);
    assert.match(after.headers.get('www-authenticate') ?? '', /^Bearer .*error="invalid_token"/);
    assert.equal(after.body.error, 'invalid_token');
  });

  test('the token endpoint accepts HTTP Basic and JSON bodies, and a returning person is not asked again', async () => {
    const visitor = new Visitor(server.baseUrl);
    const { code } = await obtainCode(server, visitor, gptParams('s1'));
    const basic = await postForm(server.baseUrl, '/oauth/token', { grant_type: 'authorization_code', code, redirect_uri: GPT_CALLBACK }, { authorization: basicAuth(clientId, clientSecret) });
    assert.equal(basic.status, 200, JSON.stringify(basic.body));
    assert.equal(basic.body.token_type, 'Bearer');

    // Same person, same client, same scopes: straight back with a code, no consent page.
    const again = await followAuthorization(visitor, authorizeUrl(gptParams('s2')));
    assert.ok(again.redirect, `no consent the second time: ${again.trail.join(' -> ')} ${again.page?.body.slice(0, 300) ?? ''}`);
    assert.equal(again.redirect!.searchParams.get('state'), 's2');
    const json = await postJson(server.baseUrl, '/oauth/token', {
      grant_type: 'authorization_code',
      code: again.redirect!.searchParams.get('code'),
      redirect_uri: GPT_CALLBACK,
      client_id: clientId,
      client_secret: clientSecret,
    });
    assert.equal(json.status, 200, JSON.stringify(json.body));
    assert.equal(typeof json.body.access_token, 'string');
    assert.equal((await apiGet(server.baseUrl, '/api/foods/search?query=apple', String(json.body.access_token))).status, 200);

    const refreshJson = await postJson(server.baseUrl, '/oauth/token', { grant_type: 'refresh_token', refresh_token: json.body.refresh_token, client_id: clientId, client_secret: clientSecret });
    assert.equal(refreshJson.status, 200, JSON.stringify(refreshJson.body));
  });

  test("the log-in page of an authorization request lets its form lead back to the client's origin (CSP form-action)", async () => {
    const visitor = new Visitor(server.baseUrl);
    const outcome = await followAuthorization(visitor, authorizeUrl(gptParams('csp')));
    assert.equal(new URL(outcome.trail.at(-1)!).pathname, '/login');
    assert.match(outcome.page!.headers.get('content-security-policy') ?? '', /form-action 'self' https:\/\/chat\.openai\.com;/);
    const plain = await visitor.get('/login');
    assert.match(plain.headers.get('content-security-policy') ?? '', /form-action 'self';/);
  });

  test('Deny sends access_denied with the state back to the client', async () => {
    const visitor = new Visitor(server.baseUrl);
    const other = await server.createUser('bob@example.com');
    const outcome = await followAuthorization(visitor, authorizeUrl(gptParams('deny-state')), { login: { email: other.email, password: PASSWORD } });
    const denied = await answerConsent(visitor, outcome.page!, 'deny');
    assert.equal(denied.redirect!.searchParams.get('error'), 'access_denied');
    assert.equal(denied.redirect!.searchParams.get('state'), 'deny-state');
    assert.equal(denied.redirect!.searchParams.get('code'), null);
  });

  test('OAuth errors at the token endpoint have the RFC 6749 shape', async () => {
    const bad = await postForm(server.baseUrl, '/oauth/token', { grant_type: 'authorization_code', code: 'nope', redirect_uri: GPT_CALLBACK, client_id: clientId, client_secret: clientSecret });
    assert.equal(bad.status, 400);
    assert.equal(bad.body.error, 'invalid_grant');
    assert.equal(typeof bad.body.error_description, 'string');
    const wrongSecret = await postForm(server.baseUrl, '/oauth/token', { grant_type: 'authorization_code', code: 'nope', redirect_uri: GPT_CALLBACK, client_id: clientId, client_secret: 'wrong' });
    assert.equal(wrongSecret.status, 401);
    assert.equal(wrongSecret.body.error, 'invalid_client');
    const badJson = await fetch(`${server.baseUrl}/oauth/token`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{not json' });
    assert.equal(badJson.status, 400);
    assert.equal(((await badJson.json()) as { error: string }).error, 'invalid_request');
  });
});
