import assert from 'node:assert/strict';
import net from 'node:net';
import os from 'node:os';
import { after, before, describe, test } from 'node:test';
import { loadConfig } from '../../src/config.js';
import { ConfigError } from '../../src/errors.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { startLarderProcess, type LarderProcess } from './larder-process.js';
import { rawRequest } from './raw-http.js';

/** Opens a raw connection, runs `feed` on it, and reports when and how the server ended it. */
async function holdConnection(port: number, feed: (socket: net.Socket) => void, giveUpMs: number): Promise<{ closedAfterMs: number | undefined; received: string }> {
  const socket = net.connect(port, '127.0.0.1');
  const started = Date.now();
  let received = '';
  socket.on('data', (chunk: Buffer) => (received += chunk.toString()));
  socket.on('error', () => undefined);
  feed(socket);
  const closedAfterMs = await new Promise<number | undefined>((resolve) => {
    const timer = setTimeout(() => resolve(undefined), giveUpMs);
    socket.once('close', () => {
      clearTimeout(timer);
      resolve(Date.now() - started);
    });
  });
  socket.destroy();
  return { closedAfterMs, received };
}

describe('HTTP timeouts cut off slow clients', () => {
  let t: TestServer;
  before(async () => {
    t = await startTestServer({ bundledCatalog: false, env: { REQUEST_TIMEOUT_MS: '3000', CONNECTION_TIMEOUT_MS: '20000', KEEP_ALIVE_TIMEOUT_MS: '4000' } });
  });
  after(async () => t?.close());

  test('a POST trickling one byte every 2 s is cut off once the request timeout has passed', async () => {
    let sent = 0;
    let trickle: NodeJS.Timeout | undefined;
    const { closedAfterMs, received } = await holdConnection(
      t.config.port,
      (socket) => {
        socket.write(`POST /login HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 100\r\n\r\n`);
        trickle = setInterval(() => {
          if (socket.writable) {
            socket.write('a');
            sent++;
          }
        }, 2000);
      },
      20_000,
    );
    clearInterval(trickle);
    assert.ok(closedAfterMs !== undefined, 'the connection was still open after 20 s');
    assert.ok(closedAfterMs >= 2900 && closedAfterMs < 6000, `closed after ${closedAfterMs} ms (request timeout 3000 ms)`);
    assert.ok(sent <= 3, `${sent} bytes of 100 trickled in before the cut`);
    if (received) assert.match(received, /^HTTP\/1\.1 408 /);
  });

  test('a connection that never sends a request is closed too', async () => {
    const { closedAfterMs } = await holdConnection(t.config.port, () => undefined, 20_000);
    assert.ok(closedAfterMs !== undefined && closedAfterMs < 6000, `closed after ${closedAfterMs} ms`);
  });

  test('the configured timeouts are the ones the server runs with', () => {
    const server = t.server.app.server;
    assert.equal(server.requestTimeout, 3000);
    assert.equal(server.keepAliveTimeout, 4000);
    assert.equal(server.timeout, 20000);
  });
});

test('timeouts have sane defaults, and a bad value is refused by its name', () => {
  const defaults = loadConfig({}, { cwd: os.tmpdir(), readEnvFile: false });
  assert.deepEqual(defaults.httpTimeouts, { requestMs: 30_000, connectionMs: 60_000, keepAliveMs: 72_000 });
  assert.deepEqual(defaults.databaseTimeouts, { connectMs: 3000, statementMs: 5000 });
  const names = ['REQUEST_TIMEOUT_MS', 'CONNECTION_TIMEOUT_MS', 'KEEP_ALIVE_TIMEOUT_MS', 'DATABASE_CONNECT_TIMEOUT_MS', 'DATABASE_STATEMENT_TIMEOUT_MS'];
  try {
    loadConfig(Object.fromEntries(names.map((name) => [name, 'soon'])), { cwd: os.tmpdir(), readEnvFile: false });
    assert.fail('expected a ConfigError');
  } catch (error) {
    assert.ok(error instanceof ConfigError);
    for (const name of names) assert.ok(error.problems.some((p) => p.startsWith(name)), name);
  }
});

describe("a request cut off by the request timeout is told so in Larder's terms", () => {
  let larder: LarderProcess;
  let port: number;
  before(async () => {
    larder = await startLarderProcess({ env: { REQUEST_TIMEOUT_MS: '2000' } });
    port = Number(new URL(larder.baseUrl).port);
  });
  after(async () => larder?.close());

  test('a body that stops arriving and headers that never end both get a JSON 408 request_timeout, and nothing is logged as an error', async () => {
    const cases = {
      'body cut short': `POST /login HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 100\r\n\r\nemail=`,
      'headers never end': `GET /api/me HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nX-Slow: `,
    };
    for (const [what, request] of Object.entries(cases)) {
      const response = await rawRequest(port, request, { timeoutMs: 15_000 });
      assert.equal(response.status, 408, `${what}: ${response.raw.slice(0, 300)} ${response.failure ?? ''}`);
      assert.match(response.headers['content-type'] ?? '', /^application\/json/, what);
      assert.deepEqual(JSON.parse(response.body), { error: 'request_timeout', error_description: 'The request took too long to arrive.' }, what);
      assert.equal(response.headers.connection, 'close', what);
    }
    assert.ok(larder.alive());
    assert.deepEqual(larder.stdout.filter((line) => /"level":(50|60)/.test(line)), [], 'no error in the log');
    assert.deepEqual(larder.stderr, []);
  });
});
