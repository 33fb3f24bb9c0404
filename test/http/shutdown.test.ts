import assert from 'node:assert/strict';
import net from 'node:net';
import { after, before, describe, test } from 'node:test';
import { startLarderProcess, type LarderProcess } from './larder-process.js';
import { parseResponses } from './raw-http.js';

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const FORM = '_csrf=x&email=a%40b.example&password=pw';

/**
 * A connection busy with a log-in form whose body has not all arrived: Node closes only
 * idle connections when the shutdown begins, so this one is still open afterwards.
 * `finish` sends the rest of the body with `next` pipelined behind it and returns every
 * answer the connection got before it closed.
 */
async function busyConnection(port: number): Promise<{ finish(next: string): Promise<ReturnType<typeof parseResponses>> }> {
  const socket = net.connect(port, '127.0.0.1');
  const chunks: Buffer[] = [];
  socket.on('data', (chunk: Buffer) => chunks.push(chunk));
  socket.on('error', () => undefined);
  const closed = new Promise((resolve) => socket.once('close', resolve));
  await new Promise((resolve) => socket.once('connect', resolve));
  socket.write(`POST /login HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: ${FORM.length}\r\n\r\n${FORM.slice(0, 10)}`);
  return {
    async finish(next) {
      socket.write(`${FORM.slice(10)}${next}`);
      await Promise.race([closed, pause(10_000)]);
      socket.destroy();
      return parseResponses(Buffer.concat(chunks));
    },
  };
}

describe('requests that arrive while the process shuts down', () => {
  let larder: LarderProcess;
  before(async () => {
    larder = await startLarderProcess();
  });
  after(async () => larder?.close());

  test("are refused with a 503 in Larder's terms (JSON for the API, a page for people), while the requests in flight are answered", async () => {
    const port = Number(new URL(larder.baseUrl).port);
    const forApi = await busyConnection(port);
    const forPage = await busyConnection(port);
    await pause(300);
    larder.signal('SIGTERM');
    await larder.waitForLine((line) => line.includes('shutting down'));
    await pause(300);
    const [inFlight, api] = await forApi.finish(`GET /api/me HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n\r\n`);
    const [otherInFlight, page] = await forPage.finish(`GET /catalog HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n\r\n`);

    for (const answered of [inFlight, otherInFlight]) assert.equal(answered?.status, 403, 'the log-in in flight is answered (its form has no valid CSRF token)');
    assert.equal(api?.status, 503);
    assert.match(api.headers['content-type'] ?? '', /^application\/json/);
    assert.deepEqual(JSON.parse(api.body), { error: 'server_shutting_down', error_description: 'This Larder instance is shutting down; please try again in a moment.' });
    assert.equal(api.headers['retry-after'], '1');
    assert.equal(api.headers.connection, 'close');
    assert.equal(api.headers['cache-control'], 'no-store');
    assert.equal(page?.status, 503);
    assert.match(page.headers['content-type'] ?? '', /^text\/html/);
    assert.ok(page.headers['content-security-policy'], 'with the page headers');
    assert.match(page.body, /shutting down; please try again in a moment/);

    assert.equal(await larder.exited, 0);
    assert.deepEqual(larder.stdout.filter((line) => /"level":(50|60)/.test(line)), [], 'no error in the log');
    assert.deepEqual(larder.stderr, []);
  });
});
