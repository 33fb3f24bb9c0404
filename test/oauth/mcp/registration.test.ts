import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { LIMITS } from '../../../src/limits/rules.js';
import { startOAuthTestServer, type OAuthTestServer } from '../oauth-helpers.js';

async function register(baseUrl: string, body: unknown, headers: Record<string, string> = {}): Promise<{ status: number; body: Record<string, unknown>; headers: Headers }> {
  const response = await fetch(`${baseUrl}/oauth/register`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {}, headers: response.headers };
}

/** RFC 7591 dynamic registration at /oauth/register, as MCP clients use it. */
describe('dynamic client registration', () => {
  let server: OAuthTestServer;
  before(async () => {
    server = await startOAuthTestServer();
  });
  after(() => server.close());

  test('Claude registers a confidential client_secret_post client with Larder scopes and gets its secret once', async () => {
    const response = await register(server.baseUrl, {
      client_name: 'Claude',
      redirect_uris: ['https://claude.ai/api/mcp/auth_callback'],
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      token_endpoint_auth_method: 'client_secret_post',
      scope: 'foods:read diary:write offline_access openid',
    });
    assert.equal(response.status, 201, JSON.stringify(response.body));
    assert.equal(response.headers.get('cache-control'), 'no-store');
    assert.match(String(response.body.client_id), /^lc_/);
    assert.equal(typeof response.body.client_secret, 'string');
    assert.equal(response.body.client_secret_expires_at, 0);
    assert.equal(response.body.token_endpoint_auth_method, 'client_secret_post');
    // Larder's resource scopes are accepted; offline_access and openid are not Larder's and are dropped.
    assert.equal(response.body.scope, 'foods:read diary:write');
    assert.deepEqual(response.body.grant_types, ['authorization_code', 'refresh_token']);
    assert.deepEqual(response.body.redirect_uris, ['https://claude.ai/api/mcp/auth_callback']);
    assert.equal(response.body.application_type, 'web');
    assert.equal(typeof response.body.client_id_issued_at, 'number');
  });

  test('a public client registers with none and loopback or app-scheme redirect URIs', async () => {
    const response = await register(server.baseUrl, {
      client_name: 'Cursor',
      redirect_uris: ['cursor://anysphere.cursor-retrieval/oauth/callback', 'http://localhost:6274/oauth/callback', 'http://[::1]/cb'],
      token_endpoint_auth_method: 'none',
      grant_types: ['authorization_code', 'refresh_token', 'urn:ietf:params:oauth:grant-type:device_code'],
    });
    assert.equal(response.status, 201, JSON.stringify(response.body));
    assert.equal(response.body.client_secret, undefined);
    assert.equal(response.body.token_endpoint_auth_method, 'none');
    assert.equal(response.body.application_type, 'native');
    // Unsupported grant types are dropped (RFC 7591 section 3.2.1), the rest kept.
    assert.deepEqual(response.body.grant_types, ['authorization_code', 'refresh_token']);
    // No scope asked: the default, foods:read.
    assert.equal(response.body.scope, 'foods:read');
  });

  test('without token_endpoint_auth_method the client is confidential (client_secret_basic, RFC 7591 section 2)', async () => {
    const response = await register(server.baseUrl, { redirect_uris: ['https://app.example.com/cb'] });
    assert.equal(response.status, 201);
    assert.equal(response.body.token_endpoint_auth_method, 'client_secret_basic');
    assert.equal(typeof response.body.client_secret, 'string');
    assert.equal(response.body.client_name, 'app.example.com', 'named after its redirect host');
  });

  for (const [label, uri] of [
    ['http on a public host', 'http://evil.example.com/callback'],
    ['http on a private address', 'http://192.168.1.10/callback'],
    ['a javascript: URI', 'javascript:alert(1)'],
    ['a data: URI', 'data:text/html,hi'],
    ['a fragment', 'https://app.example.com/cb#frag'],
    ['a relative URI', '/callback'],
  ] as const) {
    test(`a redirect URI with ${label} is refused with invalid_redirect_uri`, async () => {
      const response = await register(server.baseUrl, { client_name: 'X', redirect_uris: ['https://ok.example.com/cb', uri], token_endpoint_auth_method: 'none' });
      assert.equal(response.status, 400);
      assert.equal(response.body.error, 'invalid_redirect_uri');
      assert.equal(typeof response.body.error_description, 'string');
    });
  }

  test('missing redirect URIs, other auth methods and other flows are refused with invalid_client_metadata or invalid_redirect_uri', async () => {
    assert.equal((await register(server.baseUrl, { client_name: 'X' })).body.error, 'invalid_redirect_uri');
    assert.equal((await register(server.baseUrl, { redirect_uris: [] })).body.error, 'invalid_redirect_uri');
    const jwt = await register(server.baseUrl, { redirect_uris: ['https://a.example/cb'], token_endpoint_auth_method: 'private_key_jwt', jwks_uri: 'https://a.example/jwks' });
    assert.equal(jwt.status, 400);
    assert.equal(jwt.body.error, 'invalid_client_metadata');
    const implicit = await register(server.baseUrl, { redirect_uris: ['https://a.example/cb'], grant_types: ['implicit'], response_types: ['token'] });
    assert.equal(implicit.body.error, 'invalid_client_metadata');
    assert.equal((await register(server.baseUrl, { redirect_uris: ['https://a.example/cb'], scope: ['foods:read'] })).body.error, 'invalid_client_metadata');
    assert.equal((await register(server.baseUrl, [1, 2])).body.error, 'invalid_client_metadata');
  });

  test('a body that is not JSON gets a JSON error, never a 500', async () => {
    const broken = await register(server.baseUrl, '{"redirect_uris": [');
    assert.equal(broken.status, 400);
    assert.equal(typeof broken.body.error, 'string');
    const form = await fetch(`${server.baseUrl}/oauth/register`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'redirect_uris=https://a.example/cb' });
    assert.equal(form.status, 400);
    assert.equal(((await form.json()) as { error: string }).error, 'invalid_client_metadata');
  });

  test('client names that would pass for something else are cleaned up', async () => {
    const response = await register(server.baseUrl, { client_name: 'Cla\u200Bude\u202E \n\t official', redirect_uris: ['https://a.example/cb'], token_endpoint_auth_method: 'none' });
    assert.equal(response.body.client_name, 'Claude official');
  });

  test('browser clients get CORS on registration: preflight answered with explicit headers, no credentials', async () => {
    const preflight = await fetch(`${server.baseUrl}/oauth/register`, {
      method: 'OPTIONS',
      headers: { origin: 'http://localhost:6274', 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type, mcp-protocol-version' },
    });
    assert.equal(preflight.status, 204);
    assert.equal(preflight.headers.get('access-control-allow-origin'), '*');
    assert.equal(preflight.headers.get('access-control-allow-credentials'), null);
    const allowed = (preflight.headers.get('access-control-allow-headers') ?? '').toLowerCase().split(', ');
    for (const name of ['authorization', 'content-type', 'mcp-protocol-version', 'mcp-method', 'mcp-name']) assert.ok(allowed.includes(name), name);
    assert.match(preflight.headers.get('access-control-allow-methods') ?? '', /POST/);
    const answer = await register(server.baseUrl, { redirect_uris: ['http://localhost:6274/oauth/callback'], token_endpoint_auth_method: 'none' }, { origin: 'http://localhost:6274' });
    assert.equal(answer.status, 201);
    assert.equal(answer.headers.get('access-control-allow-origin'), '*');
  });
});

describe('dynamic client registration rate limit', () => {
  let server: OAuthTestServer;
  before(async () => {
    server = await startOAuthTestServer();
  });
  after(() => server.close());

  test(`an address may register ${LIMITS.clientRegistration.limit} clients an hour, then gets 429 with Retry-After`, async () => {
    for (let i = 0; i < LIMITS.clientRegistration.limit; i++) {
      const ok = await register(server.baseUrl, { redirect_uris: ['https://a.example/cb'], token_endpoint_auth_method: 'none' });
      assert.equal(ok.status, 201, `registration ${i + 1}`);
    }
    const over = await register(server.baseUrl, { redirect_uris: ['https://a.example/cb'], token_endpoint_auth_method: 'none' });
    assert.equal(over.status, 429);
    assert.equal(over.body.error, 'temporarily_unavailable');
    assert.ok(Number(over.headers.get('retry-after')) > 0);
    const stored = await server.server.database.db.selectFrom('oauth_clients').select((eb) => eb.fn.countAll<number>().as('n')).where('registration', '=', 'self').executeTakeFirstOrThrow();
    assert.equal(Number(stored.n), LIMITS.clientRegistration.limit, 'nothing stored past the limit');
  });
});
