import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { isJsonPath, isResourceServerPath, requestPath, requestQuery } from '../../src/http/request-path.js';
import { rawTestServer } from './raw-server.js';

describe('the path of a request target, whatever its form', () => {
  test('origin form and absolute form (RFC 9112 section 3.2.2) name the same path', () => {
    assert.equal(requestPath('/api/me'), '/api/me');
    assert.equal(requestPath('/api/me?x=1#f'), '/api/me');
    assert.equal(requestPath('http://127.0.0.1:3000/api/me?x=1'), '/api/me');
    assert.equal(requestPath('HTTPS://larder.example/oauth/token'), '/oauth/token');
    assert.equal(requestPath('http://larder.example'), '/');
    assert.equal(requestPath('http://larder.example?x=1'), '/');
    assert.equal(requestPath('*'), '*');
    assert.equal(requestQuery('http://h/api/diary?date=2026-01-01#x'), 'date=2026-01-01');
    assert.equal(requestQuery('/api/me'), '');
  });

  test('JSON is due on the API, MCP, OAuth, metadata and JSON documents; everything else is a page', () => {
    for (const path of ['/api', '/api/me', '/mcp', '/oauth', '/oauth/token', '/.well-known/openid-configuration', '/openapi.json']) assert.ok(isJsonPath(path), path);
    for (const path of ['/', '/catalog', '/catalog/apple', '/apiary', '/oauthx', '/login', '/interaction/abc', '/docs', '/assets/larder.css']) assert.ok(!isJsonPath(path), path);
    assert.ok(isResourceServerPath('/mcp'));
    assert.ok(!isResourceServerPath('/oauth/token'));
  });
});

describe('an absolute-form request target is answered like its origin form', () => {
  const raw = rawTestServer();

  const send = (method: string, target: string, extra = '', body = '') =>
    raw.send(`${method} ${target} HTTP/1.1\r\nHost: 127.0.0.1:${raw.port}\r\nConnection: close\r\n${extra}${body ? `Content-Length: ${Buffer.byteLength(body)}\r\n` : ''}\r\n${body}`);

  test('API errors stay JSON: 401 without a token, 404 for an unknown route', async () => {
    const unauthorized = await send('GET', `${raw.baseUrl}/api/me`);
    assert.equal(unauthorized.status, 401);
    assert.match(unauthorized.headers['content-type'] ?? '', /^application\/json/);
    assert.equal((JSON.parse(unauthorized.body) as { error: string }).error, 'invalid_token');
    const unknown = await send('GET', `${raw.baseUrl}/api/nothing-here?x=1`);
    assert.equal(unknown.status, 404);
    assert.equal((JSON.parse(unknown.body) as { error: string }).error, 'not_found');
    assert.match(JSON.parse(unknown.body).error_description as string, /GET \/api\/nothing-here\./);
  });

  test('OAuth errors stay JSON, and the token endpoint still reads a JSON body', async () => {
    const wrongMethod = await send('GET', `${raw.baseUrl}/oauth/token`);
    assert.equal(wrongMethod.status, 405);
    assert.match(wrongMethod.headers['content-type'] ?? '', /^application\/json/);
    const brokenJson = await send('POST', `${raw.baseUrl}/oauth/token`, 'Content-Type: application/json\r\n', '{"grant_type": ');
    assert.equal(brokenJson.status, 400);
    assert.equal((JSON.parse(brokenJson.body) as { error: string }).error, 'invalid_request');
    const jsonGrant = await send('POST', `${raw.baseUrl}/oauth/token`, 'Content-Type: application/json\r\n', '{"grant_type": "authorization_code", "code": "x", "client_id": "nobody", "client_secret": "s"}');
    assert.equal(jsonGrant.status, 401);
    assert.equal((JSON.parse(jsonGrant.body) as { error: string }).error, 'invalid_client');
  });

  test('pages stay pages', async () => {
    const missing = await send('GET', `${raw.baseUrl}/catalog/no-such-food-at-all`);
    assert.equal(missing.status, 404);
    assert.match(missing.headers['content-type'] ?? '', /^text\/html/);
    const login = await send('GET', `${raw.baseUrl}/login`);
    assert.equal(login.status, 200);
    assert.match(login.headers['content-type'] ?? '', /^text\/html/);
  });
});

describe('throttles count absolute-form requests like any other', () => {
  const raw = rawTestServer();

  test('failed token requests written `POST http://host/oauth/token` reach the per-address limit', async () => {
    const body = 'grant_type=authorization_code&code=x&client_id=nobody&client_secret=s';
    const attempt = () =>
      raw.send(`POST ${raw.baseUrl}/oauth/token HTTP/1.1\r\nHost: 127.0.0.1:${raw.port}\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n${body}`);
    const statuses: number[] = [];
    for (let i = 0; i < 70; i++) statuses.push((await attempt()).status);
    assert.equal(statuses[0], 401);
    assert.ok(statuses.includes(429), `throttled at some point: ${statuses.join(' ')}`);
    const last = await attempt();
    assert.equal(last.status, 429);
    assert.equal((JSON.parse(last.body) as { error: string }).error, 'temporarily_unavailable');
  });
});
