import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { rawTestServer } from './raw-server.js';

describe('corners of HTTP/1.1 Node would answer with a bare status', () => {
  const raw = rawTestServer();

  const send = (head: string) => raw.send(`${head}Connection: close\r\n\r\n`);

  test('an HTTP/1.1 request without Host, with two, or with a Host that is no host is a 400 in Larder\'s terms (RFC 9112 section 3.2)', async () => {
    for (const [what, head] of [
      ['no Host', 'GET /api/me HTTP/1.1\r\n'],
      ['two Hosts', 'GET /api/me HTTP/1.1\r\nHost: a.example\r\nHost: b.example\r\n'],
      ['a Host with a space', 'GET /api/me HTTP/1.1\r\nHost: a b\r\n'],
    ] as const) {
      const reply = await send(head);
      assert.equal(reply.status, 400, what);
      assert.match(reply.headers['content-type'] ?? '', /^application\/json/, what);
      const body = JSON.parse(reply.body) as { error: string; error_description: string };
      assert.equal(body.error, 'invalid_request', what);
      assert.match(body.error_description, /Host/, what);
      assert.equal(reply.headers['cache-control'], 'no-store', what);
    }
    const page = await send('GET /catalog HTTP/1.1\r\n');
    assert.equal(page.status, 400);
    assert.match(page.headers['content-type'] ?? '', /^text\/html/);
    assert.ok(page.headers['content-security-policy'], 'with the page headers');
  });

  test('HTTP/1.0 needs no Host, and an empty Host is allowed', async () => {
    assert.equal((await send('GET /health HTTP/1.0\r\n')).status, 200);
    assert.equal((await send('GET /health HTTP/1.1\r\nHost:\r\n')).status, 200);
  });

  test('CONNECT gets a JSON 405 instead of a closed connection (Larder is no proxy)', async () => {
    const reply = await send('CONNECT 127.0.0.1:22 HTTP/1.1\r\nHost: 127.0.0.1:22\r\n');
    assert.equal(reply.status, 405);
    assert.ok(reply.headers.allow);
    assert.equal((JSON.parse(reply.body) as { error: string }).error, 'method_not_allowed');
  });

  test('HEAD /mcp is answered as GET is (RFC 9110 section 9.3.2), not with a 500 from measuring a streamed answer', async () => {
    const head = await send('HEAD /mcp HTTP/1.1\r\nHost: x\r\n');
    const get = await send('GET /mcp HTTP/1.1\r\nHost: x\r\n');
    assert.equal(head.status, get.status);
    assert.equal(head.status, 405);
    assert.equal(head.headers.allow, get.headers.allow);
    assert.equal(head.body, '');
  });

  test('an expectation Larder does not know is ignored, not a bare 417 (RFC 9110 section 10.1.1)', async () => {
    const api = await send('GET /api/me HTTP/1.1\r\nHost: x\r\nExpect: fancy-feature\r\n');
    assert.equal(api.status, 401);
    assert.equal((JSON.parse(api.body) as { error: string }).error, 'invalid_token');
    const page = await send('GET /login HTTP/1.1\r\nHost: x\r\nExpect: fancy-feature\r\n');
    assert.equal(page.status, 200);
  });
});
