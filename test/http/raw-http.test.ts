import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseResponse, parseResponses } from './raw-http.js';

const head = (status: string, headers: string[]) => `HTTP/1.1 ${status}\r\n${headers.map((h) => `${h}\r\n`).join('')}\r\n`;

test('a 204 or 304 has no body: what follows its head is the next, pipelined answer (fuzz seed 79382203, #16672)', () => {
  const next = `${head('401 Unauthorized', ['Content-Type: application/json', 'Content-Length: 17'])}{"error":"nope!"}`;
  for (const status of ['204 No Content', '304 Not Modified']) {
    const received = Buffer.from(`${head(status, ['Allow: OPTIONS, POST', 'Connection: keep-alive'])}${next}`);
    const first = parseResponse(received);
    assert.equal(first?.body, '', status);
    assert.deepEqual(
      parseResponses(received).map((r) => [r.status, r.body]),
      [
        [Number(status.slice(0, 3)), ''],
        [401, '{"error":"nope!"}'],
      ],
    );
  }
});

test('answers with a length, chunked answers and interim 100 Continue are read one after another', () => {
  const received = Buffer.from(
    `${head('100 Continue', [])}${head('200 OK', ['Content-Length: 3'])}abc` +
      `${head('201 Created', ['Transfer-Encoding: chunked'])}2\r\nhi\r\n3\r\n!!!\r\n0\r\n\r\n` +
      `${head('503 Service Unavailable', ['Content-Length: 2', 'Connection: close'])}{}`,
  );
  assert.deepEqual(
    parseResponses(received).map((r) => [r.status, r.body]),
    [
      [200, 'abc'],
      [201, 'hi!!!'],
      [503, '{}'],
    ],
  );
  assert.equal(parseResponse(Buffer.from('HTTP/1.1 200 OK\r\nContent-Le')), undefined, 'a head still arriving');
});
