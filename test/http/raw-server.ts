import { after, before } from 'node:test';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { rawRequest, type RawResponse } from './raw-http.js';

export interface RawTestServer {
  /** The test server (available once the suite's `before` has run). */
  readonly server: TestServer;
  readonly baseUrl: string;
  readonly port: number;
  /** Sends bytes exactly as given on a new connection (see rawRequest). */
  send(request: string | Buffer, options?: Parameters<typeof rawRequest>[2]): Promise<RawResponse>;
}

/**
 * A test server without the bundled catalog for the suite this is called in (started in
 * its `before`, closed in its `after`), to send raw HTTP to.
 *
 * @example
 *   describe('…', () => {
 *     const raw = rawTestServer();
 *     test('…', async () => assert.equal((await raw.send('GET / HTTP/1.0\r\n\r\n')).status, 302));
 *   });
 */
export function rawTestServer(): RawTestServer {
  let server: TestServer | undefined;
  let port = 0;
  before(async () => {
    server = await startTestServer({ bundledCatalog: false });
    port = Number(new URL(server.baseUrl).port);
  });
  after(async () => server?.close());
  const started = (): TestServer => {
    if (!server) throw new Error('the raw test server is used before its suite started it');
    return server;
  };
  return {
    get server() {
      return started();
    },
    get baseUrl() {
      return started().baseUrl;
    },
    get port() {
      started();
      return port;
    },
    send(request, options) {
      started();
      return rawRequest(port, request, options);
    },
  };
}
