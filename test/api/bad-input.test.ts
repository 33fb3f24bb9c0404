import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startTestServer, type TestServer } from '../helpers/server.js';

describe('bad input never gets a stack trace or a 500', () => {
  let t: TestServer;
  before(async () => {
    t = await startTestServer({ bundledCatalog: false });
  });
  after(async () => t?.close());

  test('a broken %-escape in the address is a JSON 400 on the API and an error page on a page', async () => {
    for (const path of ['/api/foods/%ff', '/api/diary/%E0%A4%A']) {
      const response = await fetch(`${t.baseUrl}${path}`);
      assert.equal(response.status, 400, path);
      assert.equal(((await response.json()) as { error: string }).error, 'invalid_request');
    }
    const page = await fetch(`${t.baseUrl}/catalog/%ff`);
    assert.equal(page.status, 400);
    assert.match(page.headers.get('content-type') ?? '', /^text\/html/);
    assert.match(await page.text(), /not valid/);
  });

  test('the token endpoint explains a JSON body it cannot read, in RFC 6749 terms', async () => {
    const post = (body: string) => fetch(`${t.baseUrl}/oauth/token`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    const broken = await post('{"grant_type": ');
    assert.equal(broken.status, 400);
    assert.deepEqual(Object.keys((await broken.json()) as object).sort(), ['error', 'error_description']);
    const notObject = await post('["authorization_code"]');
    assert.equal(notObject.status, 400);
    assert.equal(((await notObject.json()) as { error: string }).error, 'invalid_request');
    const huge = await post(JSON.stringify({ grant_type: 'x'.repeat(70_000) }));
    assert.equal(huge.status, 413);
    const unknown = await fetch(`${t.baseUrl}/oauth/token`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'grant_type=authorization_code&code=x&client_id=nope&client_secret=x' });
    assert.equal(unknown.status, 401);
    assert.equal(((await unknown.json()) as { error: string }).error, 'invalid_client');
  });

  test('forms posted without their fields are refused cleanly', async () => {
    for (const path of ['/login', '/register', '/account/diary-settings', '/interaction/nope']) {
      const response = await fetch(`${t.baseUrl}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"email": [1], "password": {"a": 1}}' });
      assert.ok(response.status >= 400 && response.status < 500, `${path}: ${response.status}`);
    }
  });
});
