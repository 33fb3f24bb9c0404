import assert from 'node:assert/strict';
import net from 'node:net';
import { after, before, describe, test } from 'node:test';
import { createClient } from '../../src/oauth/clients.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { GPT_CALLBACK } from '../oauth/oauth-helpers.js';
import { startLarderProcess, type LarderProcess } from './larder-process.js';

async function jsonError(response: Response): Promise<{ error: string; error_description: string }> {
  assert.match(response.headers.get('content-type') ?? '', /^application\/json/, `${response.url}: ${response.status} ${response.headers.get('content-type')}`);
  const body = (await response.json()) as { error: string; error_description: string };
  assert.deepEqual(Object.keys(body).sort(), ['error', 'error_description']);
  return body;
}

describe('the authorization server answers what it does not serve in JSON', () => {
  let t: TestServer;
  before(async () => {
    t = await startTestServer({ bundledCatalog: false });
  });
  after(async () => t?.close());

  test('an unknown address under /oauth is a JSON 404, not the provider\'s text "Not Found"', async () => {
    for (const path of ['/oauth', '/oauth/', '/oauth/nope', '/oauth/token/extra', '/oauth/userinfo', '/oauth/%E2%80%AE']) {
      for (const method of ['GET', 'POST']) {
        const response = await fetch(`${t.baseUrl}${path}`, { method, ...(method === 'POST' ? { body: 'x=1', headers: { 'content-type': 'application/x-www-form-urlencoded' } } : {}) });
        assert.equal(response.status, 404, `${method} ${path}`);
        assert.equal((await jsonError(response)).error, 'not_found');
      }
    }
  });

  test('a known address with a method it does not take is a JSON 405 that lists the methods in Allow', async () => {
    const cases: Array<[string, string, string]> = [
      ['GET', '/oauth/token', 'OPTIONS, POST'],
      ['PATCH', '/oauth/token', 'OPTIONS, POST'],
      ['DELETE', '/oauth/revoke', 'OPTIONS, POST'],
      ['PUT', '/oauth/introspect', 'OPTIONS, POST'],
      ['POST', '/oauth/jwks', 'GET, HEAD, OPTIONS'],
      ['DELETE', '/oauth/authorize', 'GET, HEAD'],
      ['POST', '/.well-known/openid-configuration', 'GET, HEAD, OPTIONS'],
      ['PUT', '/.well-known/oauth-authorization-server', 'GET, HEAD, OPTIONS'],
      ['PATCH', '/.well-known/oauth-authorization-server', 'GET, HEAD, OPTIONS'],
      // Dynamic registration is Larder's own route (registration.ts), beside the provider's.
      ['GET', '/oauth/register', 'POST'],
    ];
    for (const [method, path, allow] of cases) {
      const response = await fetch(`${t.baseUrl}${path}`, { method });
      assert.equal(response.status, 405, `${method} ${path}`);
      assert.equal(response.headers.get('allow'), allow, `${method} ${path}`);
      const body = await jsonError(response);
      assert.equal(body.error, 'method_not_allowed');
      assert.match(body.error_description, new RegExp(method));
    }
  });

  test('every method Allow lists is served by the provider (the table follows oidc-provider)', async () => {
    for (const path of ['/oauth/token', '/oauth/revoke', '/oauth/introspect', '/oauth/jwks', '/oauth/authorize', '/.well-known/openid-configuration', '/.well-known/oauth-authorization-server']) {
      const allow = (await fetch(`${t.baseUrl}${path}`, { method: 'PATCH' })).headers.get('allow') ?? '';
      const methods = allow.split(', ');
      for (const method of methods) {
        // An OPTIONS as a browser's CORS preflight for the address's own method.
        const preflight = { origin: 'https://example.com', 'access-control-request-method': methods.find((m) => m !== 'OPTIONS' && m !== 'HEAD') ?? 'GET' };
        const response = await fetch(`${t.baseUrl}${path}`, { method, headers: preflight });
        assert.ok(![404, 405].includes(response.status), `${method} ${path} is served: ${response.status}`);
        await response.arrayBuffer();
      }
    }
  });

  test('an OPTIONS that is no CORS preflight gets 204 with Allow, not the provider\'s text 404', async () => {
    for (const [path, allow] of [
      ['/oauth/token', 'OPTIONS, POST'],
      ['/oauth/jwks', 'GET, HEAD, OPTIONS'],
      ['/.well-known/openid-configuration', 'GET, HEAD, OPTIONS'],
    ] as const) {
      const response = await fetch(`${t.baseUrl}${path}`, { method: 'OPTIONS' });
      assert.equal(response.status, 204, path);
      assert.equal(response.headers.get('allow'), allow, path);
    }
  });

  test('the token, revocation and introspection endpoints answer in JSON even to a client that prefers HTML', async () => {
    const html = { accept: 'text/html,application/xhtml+xml,*/*;q=0.8', 'content-type': 'application/x-www-form-urlencoded' };
    for (const path of ['/oauth/token', '/oauth/revoke', '/oauth/introspect', '/oauth/par']) {
      const response = await fetch(`${t.baseUrl}${path}`, { method: 'POST', headers: html, body: 'token=x&grant_type=password&client_id=nobody' });
      assert.ok(response.status >= 400 && response.status < 500, `${path}: ${response.status}`);
      assert.ok((await jsonError(response)).error, path);
    }
    // The authorization endpoint is a person's page: its error page stays.
    const page = await fetch(`${t.baseUrl}/oauth/authorize?client_id=nobody&response_type=code`, { headers: { accept: 'text/html' } });
    assert.equal(page.status, 400);
    assert.match(page.headers.get('content-type') ?? '', /^text\/html/);
  });

  test('the resume step with a query naming a client is a 4xx, not the provider\'s TypeError 500', async () => {
    const { client } = await createClient(t.server.database.db, { name: 'Resume GPT', redirectUris: [GPT_CALLBACK], scopes: ['foods:read'] });
    for (const accept of ['text/html', 'application/json']) {
      const response = await fetch(`${t.baseUrl}/oauth/authorize/abcdef?client_id=${client.clientId}&response_type=code`, { headers: { accept }, redirect: 'manual' });
      assert.ok(response.status >= 400 && response.status < 500, `${accept}: ${response.status}`);
      await response.arrayBuffer();
    }
  });

  test('the provider still answers the endpoints it serves, with a trailing slash and in any case as its router does', async () => {
    assert.equal((await fetch(`${t.baseUrl}/oauth/jwks/`)).status, 200);
    assert.equal((await fetch(`${t.baseUrl}/oauth/JWKS`)).status, 200);
    assert.equal((await fetch(`${t.baseUrl}/.well-known/openid-configuration`)).status, 200);
    const token = await fetch(`${t.baseUrl}/oauth/token`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'grant_type=client_credentials' });
    assert.equal(token.status, 400);
    assert.equal((await jsonError(token)).error, 'invalid_request');
  });
});

describe('a client that hangs up in the middle of its token request', () => {
  let larder: LarderProcess;
  before(async () => {
    larder = await startLarderProcess({ env: { LOG_LEVEL: 'debug' } });
  });
  after(async () => larder?.close());

  const hangUpMidBody = (contentType: string, partial: string) =>
    new Promise<void>((resolve) => {
      const socket = net.connect(Number(new URL(larder.baseUrl).port), '127.0.0.1');
      socket.on('error', () => undefined);
      socket.write(`POST /oauth/token HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: ${contentType}\r\nContent-Length: 1000\r\n\r\n${partial}`);
      setTimeout(() => {
        socket.destroy();
        resolve();
      }, 200);
    });

  test('is no error in the log and gets nothing written after it, for JSON and form bodies alike', async () => {
    await hangUpMidBody('application/json', '{"grant_type": "authorization_code", "co');
    await hangUpMidBody('application/x-www-form-urlencoded', 'grant_type=authorization_code&co');
    // Then a normal request: once it is logged, the two before it have been handled.
    const marker = `done${Date.now()}`;
    await fetch(`${larder.baseUrl}/health?${marker}`);
    const incoming = JSON.parse(await larder.waitForLine((line) => line.includes(marker))) as { request_id: string };
    await larder.waitForLine((line) => line.includes(`"request_id":"${incoming.request_id}"`) && line.includes('request completed'));
    await new Promise((resolve) => setTimeout(resolve, 300));

    const entries = larder.stdout.map((line) => JSON.parse(line) as { level: number; msg: string; request_id?: string; res?: { statusCode: number } });
    const tokenRequests = new Set(entries.filter((e) => e.msg === 'incoming request' && JSON.stringify(e).includes('/oauth/token')).map((e) => e.request_id));
    assert.equal(tokenRequests.size, 2, 'both requests arrived');
    assert.deepEqual(entries.filter((e) => e.level >= 40), [], 'no warning or error');
    const answered = entries.filter((e) => tokenRequests.has(e.request_id) && e.res && e.res.statusCode >= 500);
    assert.deepEqual(answered, [], 'no 5xx written to a connection nobody reads');
    assert.deepEqual(larder.stderr, []);
    assert.ok(larder.alive());
  });
});
