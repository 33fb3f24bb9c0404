import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { RawResponse } from './raw-http.js';
import { rawTestServer } from './raw-server.js';

function assertJsonError(response: RawResponse, status: number, what: string): { error: string; error_description: string } {
  assert.equal(response.status, status, `${what}: ${response.raw.slice(0, 300)} ${response.failure ?? ''}`);
  assert.match(response.headers['content-type'] ?? '', /^application\/json/, what);
  const body = JSON.parse(response.body) as { error: string; error_description: string };
  assert.deepEqual(Object.keys(body).sort(), ['error', 'error_description'], `${what}: ${response.body}`);
  assert.equal(response.headers['cache-control'], 'no-store', what);
  return body;
}

describe('requests the HTTP parser refuses get the same JSON errors as everything else', () => {
  const raw = rawTestServer();

  test('a malformed request line, an unknown version or a broken header is a 400 {error, error_description}', async () => {
    const requests: Record<string, string> = {
      'broken header': 'GET /api/me HTTP/1.1\r\nHost: x\r\nBroken header line\r\n\r\n',
      'unknown HTTP version': 'GET /api/me HTTP/9.1\r\nHost: x\r\n\r\n',
      'unknown method': 'BREW /api/me HTTP/1.1\r\nHost: x\r\n\r\n',
      'space in the target': 'GET /api/m e HTTP/1.1\r\nHost: x\r\n\r\n',
      'NUL in a header': 'GET /api/me HTTP/1.1\r\nHost: x\r\nX-A: a\u0000b\r\n\r\n',
      'bare LF line ends and a bad chunk size': 'POST /api/diary HTTP/1.1\nHost: x\nTransfer-Encoding: chunked\n\nzz\n',
      'both Content-Length and chunked, twice': 'POST /api/diary HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\nabcd',
    };
    for (const [what, request] of Object.entries(requests)) {
      const body = assertJsonError(await raw.send(request), 400, what);
      assert.equal(body.error, 'invalid_request', what);
      assert.ok(!('statusCode' in body) && !('message' in body), what);
    }
  });

  test('headers over the size limit are a 431 the client gets to read, however much it was still sending', async () => {
    for (const size of [20_000, 200_000]) {
      const response = await raw.send(`GET /api/me HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(size)}\r\n\r\n`);
      assert.equal(assertJsonError(response, 431, `${size} bytes of header`).error, 'request_header_fields_too_large');
    }
    const longTarget = await raw.send(`GET /api/foods/search?query=${'b'.repeat(40_000)} HTTP/1.1\r\nHost: x\r\n\r\n`);
    assertJsonError(longTarget, 431, 'a 40 KB request target');
  });

  test('the server keeps answering afterwards', async () => {
    const health = await fetch(`${raw.baseUrl}/health`);
    assert.equal(health.status, 200);
  });
});
