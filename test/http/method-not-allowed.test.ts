import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { rawRequest } from './raw-http.js';

/**
 * RFC 9110 section 15.5.6: a known address asked with a method it does not take is a 405
 * that lists what it takes in `Allow`, everywhere (the OAuth endpoints' own cases are in
 * oauth-errors.test.ts); an address nothing is at stays a 404.
 */
describe('a known address asked with a method it does not take', () => {
  let t: TestServer;
  before(async () => {
    t = await startTestServer({ bundledCatalog: false });
  });
  after(async () => t?.close());

  test('/api and /mcp answer a JSON 405 with Allow, not stored, before any token is asked for', async () => {
    const cases: Array<[string, string, string]> = [
      ['DELETE', '/api/me', 'GET, HEAD'],
      ['POST', '/api/foods/search', 'GET, HEAD'],
      ['PUT', '/api/foods/some-food', 'GET, HEAD'],
      ['PATCH', '/api/diary', 'GET, HEAD, POST'],
      ['PUT', '/api/diary/an-entry-id', 'DELETE'],
      ['GET', '/mcp', 'POST'],
      ['DELETE', '/mcp', 'POST'],
      ['PUT', '/mcp', 'POST'],
      ['POST', '/.well-known/oauth-protected-resource/api', 'GET, HEAD'],
      ['DELETE', '/openapi.json', 'GET, HEAD'],
    ];
    for (const [method, path, allow] of cases) {
      const response = await fetch(`${t.baseUrl}${path}`, { method });
      assert.equal(response.status, 405, `${method} ${path}`);
      assert.equal(response.headers.get('allow'), allow, `${method} ${path}`);
      assert.match(response.headers.get('content-type') ?? '', /^application\/json/, `${method} ${path}`);
      const body = (await response.json()) as Record<string, string>;
      assert.deepEqual(Object.keys(body).sort(), ['error', 'error_description'], `${method} ${path}`);
      assert.equal(body.error, 'method_not_allowed');
      assert.equal(body.error_description, `${path} does not take ${method}; it takes ${allow}.`);
      if (path.startsWith('/api') || path === '/mcp') assert.equal(response.headers.get('cache-control'), 'no-store', `${method} ${path}`);
    }
  });

  test('an absolute-form request target (RFC 9112 section 3.2.2) is judged by its path', async () => {
    const port = Number(new URL(t.baseUrl).port);
    const response = await rawRequest(port, `DELETE ${t.baseUrl}/api/me HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nConnection: close\r\n\r\n`);
    assert.equal(response.status, 405);
    assert.equal(response.headers.allow, 'GET, HEAD');
    assert.equal((JSON.parse(response.body) as { error: string }).error, 'method_not_allowed');
  });

  test('pages answer 405 with Allow and an error page that says what the address takes', async () => {
    const cases: Array<[string, string, string]> = [
      ['PUT', '/login', 'GET, HEAD, POST'],
      ['DELETE', '/account', 'GET, HEAD'],
      ['POST', '/catalog', 'GET, HEAD'],
      ['PATCH', '/catalog/some-food', 'GET, HEAD'],
      ['GET', '/logout', 'POST'],
      ['PUT', '/interaction/some-uid', 'GET, HEAD, POST'],
    ];
    for (const [method, path, allow] of cases) {
      const response = await fetch(`${t.baseUrl}${path}`, { method, redirect: 'manual' });
      assert.equal(response.status, 405, `${method} ${path}`);
      assert.equal(response.headers.get('allow'), allow, `${method} ${path}`);
      assert.match(response.headers.get('content-type') ?? '', /^text\/html/, `${method} ${path}`);
      assert.ok(response.headers.get('content-security-policy'), 'the page has its security headers');
      assert.ok((await response.text()).includes(`does not take ${method}; it takes ${allow}.`), `${method} ${path}`);
    }
  });

  test('an address nothing is at, or a method it takes for something that is not there, is still a 404', async () => {
    const cases: Array<[string, string]> = [
      ['DELETE', '/api/nothing-here'],
      ['GET', '/api/diary/'],
      ['PUT', '/nothing-here'],
      ['GET', '/assets/no-such-file.css'],
      ['GET', '/login/extra'],
    ];
    for (const [method, path] of cases) {
      const response = await fetch(`${t.baseUrl}${path}`, { method });
      assert.equal(response.status, 404, `${method} ${path}`);
      assert.equal(response.headers.get('allow'), null, `${method} ${path}`);
      await response.arrayBuffer();
    }
  });

  test('every method Allow lists is one the address takes', async () => {
    for (const path of ['/api/me', '/api/diary', '/login', '/mcp', '/logout']) {
      const allow = (await fetch(`${t.baseUrl}${path}`, { method: 'PATCH' })).headers.get('allow') ?? '';
      for (const method of allow.split(', ')) {
        const response = await fetch(`${t.baseUrl}${path}`, { method, redirect: 'manual', ...(method === 'POST' ? { headers: { 'content-type': 'application/json' }, body: '{}' } : {}) });
        assert.ok(![404, 405].includes(response.status), `${method} ${path} is served: ${response.status}`);
        await response.arrayBuffer();
      }
    }
  });
});
