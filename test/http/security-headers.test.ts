import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createClient } from '../../src/oauth/clients.js';
import { GPT_CALLBACK } from '../oauth/oauth-helpers.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

/** The headers every page carries (the CSP is compared by its fixed directives: pages may widen form-action). */
const PAGE_HEADERS = ['strict-transport-security', 'content-security-policy', 'x-content-type-options', 'x-frame-options', 'referrer-policy', 'cross-origin-opener-policy', 'permissions-policy'];

describe('every security header of the pages is on everything oidc-provider serves', () => {
  let t: TestServer;
  let local: string;
  let clientId: string;
  before(async () => {
    // Served over HTTPS (behind a proxy): APP_URL says so, the test talks to the port.
    t = await startTestServer({ bundledCatalog: false, env: { APP_URL: 'https://larder.example' } });
    local = `http://127.0.0.1:${t.config.port}`;
    clientId = (await createClient(t.server.database.db, { name: 'Header GPT', redirectUris: [GPT_CALLBACK], scopes: ['foods:read'] })).client.clientId;
  });
  after(async () => t?.close());

  test('a page has them all, HSTS included, since APP_URL is https', async () => {
    const page = await fetch(`${local}/catalog`);
    for (const name of PAGE_HEADERS) assert.ok(page.headers.get(name), `page lacks ${name}`);
    assert.match(page.headers.get('strict-transport-security') ?? '', /^max-age=\d{7,}/);
  });

  test('so does an address the router refuses before any route (a broken %-escape), where no hook runs', async () => {
    const page = await fetch(`${local}/catalog`);
    for (const path of ['/catalog/%ff', '/api/foods/%ff']) {
      const refused = await fetch(`${local}${path}`);
      assert.equal(refused.status, 400, path);
      for (const name of PAGE_HEADERS) assert.equal(refused.headers.get(name), page.headers.get(name), `${path}: ${name}`);
    }
  });

  test('authorization (error page and redirect), token, revocation, introspection, JWKS, discovery, CORS and errors all carry them', async () => {
    const page = await fetch(`${local}/catalog`);
    const form = { 'content-type': 'application/x-www-form-urlencoded' };
    const replies: Record<string, Promise<Response>> = {
      'authorize, unknown client (error page)': fetch(`${local}/oauth/authorize?client_id=nobody&response_type=code&redirect_uri=${encodeURIComponent(GPT_CALLBACK)}`, { headers: { accept: 'text/html' } }),
      'authorize, to the interaction (redirect)': fetch(`${local}/oauth/authorize?client_id=${clientId}&response_type=code&redirect_uri=${encodeURIComponent(GPT_CALLBACK)}&scope=`, { redirect: 'manual' }),
      'resume without its cookie': fetch(`${local}/oauth/authorize/abcdef`, { redirect: 'manual' }),
      'token, bad grant': fetch(`${local}/oauth/token`, { method: 'POST', headers: form, body: 'grant_type=password' }),
      'token, unreadable JSON (Larder writes it)': fetch(`${local}/oauth/token`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{' }),
      'token, CORS preflight': fetch(`${local}/oauth/token`, { method: 'OPTIONS', headers: { origin: 'https://chatgpt.com', 'access-control-request-method': 'POST' } }),
      'revocation without a client': fetch(`${local}/oauth/revoke`, { method: 'POST', headers: form, body: 'token=x' }),
      'introspection without a client': fetch(`${local}/oauth/introspect`, { method: 'POST', headers: form, body: 'token=x' }),
      JWKS: fetch(`${local}/oauth/jwks`),
      'OpenID discovery': fetch(`${local}/.well-known/openid-configuration`),
      'RFC 8414 metadata': fetch(`${local}/.well-known/oauth-authorization-server`),
      'protected resource metadata': fetch(`${local}/.well-known/oauth-protected-resource`),
      'unknown OAuth address': fetch(`${local}/oauth/nothing`),
      'wrong method': fetch(`${local}/oauth/jwks`, { method: 'DELETE' }),
    };
    for (const [what, pending] of Object.entries(replies)) {
      const reply = await pending;
      await reply.arrayBuffer();
      for (const name of PAGE_HEADERS.filter((n) => n !== 'content-security-policy')) {
        assert.equal(reply.headers.get(name), page.headers.get(name), `${what} (${reply.status}): ${name}`);
      }
      const csp = reply.headers.get('content-security-policy') ?? '';
      for (const directive of ["default-src 'none'", "frame-ancestors 'none'", "base-uri 'none'", "script-src 'self'"]) assert.ok(csp.includes(directive), `${what}: CSP ${csp}`);
    }
  });
});

describe('over plain HTTP', () => {
  let t: TestServer;
  before(async () => {
    t = await startTestServer({ bundledCatalog: false });
  });
  after(async () => t?.close());

  test('no reply claims HSTS, which only means something over HTTPS (RFC 6797 section 7.2)', async () => {
    for (const path of ['/catalog', '/oauth/jwks', '/.well-known/openid-configuration', '/api/me']) {
      const reply = await fetch(`${t.baseUrl}${path}`);
      await reply.arrayBuffer();
      assert.equal(reply.headers.get('strict-transport-security'), null, path);
      assert.equal(reply.headers.get('x-content-type-options'), 'nosniff', path);
    }
  });
});
