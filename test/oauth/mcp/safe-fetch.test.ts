import assert from 'node:assert/strict';
import type { LookupAddress } from 'node:dns';
import type { LookupFunction } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { fetchPublicHttps, isPublicAddress, PublicFetchError } from '../../../src/oauth/safe-fetch.js';
import { makeTestCertificate, startHttpsServer, type TestCertificate, type TestHttpsServer } from '../../helpers/tls.js';

/** A resolver that answers `names` as given (what a hostile DNS server could answer), and nothing else. */
function resolver(names: Record<string, string[]>): LookupFunction {
  return ((hostname: string, _options: unknown, callback: (error: NodeJS.ErrnoException | null, addresses: LookupAddress[]) => void) => {
    const answers = names[hostname];
    if (!answers) return callback(Object.assign(new Error(`ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' }), []);
    callback(null, answers.map((address) => ({ address, family: address.includes(':') ? 6 : 4 })));
  }) as unknown as LookupFunction;
}

async function refusal(promise: Promise<unknown>): Promise<PublicFetchError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof PublicFetchError, `expected a PublicFetchError, got ${String(error)}`);
    return error;
  }
  assert.fail('the fetch was made');
}

/** The SSRF-safe fetch behind client metadata documents. */
describe('fetching from the public internet only', () => {
  let certificate: TestCertificate;
  let server: TestHttpsServer;
  before(async () => {
    certificate = makeTestCertificate(['client.example.test', 'rebind.example.test']);
    server = await startHttpsServer(certificate, (request, response) => {
      if (request.url === '/big') {
        response.writeHead(200, { 'content-type': 'application/json' });
        response.end('x'.repeat(40 * 1024));
      } else if (request.url === '/big-chunked') {
        response.writeHead(200, { 'content-type': 'application/json' });
        for (let i = 0; i < 40; i++) response.write('y'.repeat(1024));
        response.end();
      } else if (request.url === '/slow') {
        // Never answers.
      } else if (request.url === '/moved') {
        response.writeHead(302, { location: 'https://127.0.0.1/elsewhere' });
        response.end();
      } else {
        response.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'max-age=60' });
        response.end(JSON.stringify({ ok: true }));
      }
    });
  });
  after(async () => {
    await server.close();
    certificate.remove();
  });

  test('addresses: public ones pass; private, loopback, link-local and special-use ones do not', () => {
    for (const address of ['8.8.8.8', '1.1.1.1', '104.18.32.47', '2606:4700:4700::1111', '2a00:1450:4001:80b::200e']) assert.ok(isPublicAddress(address), address);
    for (const address of [
      '127.0.0.1',
      '127.8.9.10',
      '10.0.0.1',
      '172.16.5.4',
      '172.31.255.255',
      '192.168.1.1',
      '169.254.169.254',
      '100.64.0.1',
      '0.0.0.0',
      '224.0.0.1',
      '255.255.255.255',
      '198.18.0.1',
      '::1',
      '::',
      'fe80::1',
      'fd00::1',
      'fc00::1',
      '::ffff:127.0.0.1',
      '::ffff:10.0.0.1',
      '::ffff:7f00:1',
      '0:0:0:0:0:ffff:a9fe:a9fe',
      '64:ff9b::a00:1',
      '2002:a00:1::',
      'not an address',
    ]) {
      assert.equal(isPublicAddress(address), false, address);
    }
    // The test switch opens loopback, and only loopback.
    assert.equal(isPublicAddress('127.0.0.1', { allowLoopback: true }), true);
    assert.equal(isPublicAddress('::1', { allowLoopback: true }), true);
    assert.equal(isPublicAddress('::ffff:127.0.0.1', { allowLoopback: true }), true);
    for (const address of ['10.0.0.1', '169.254.169.254', '192.168.0.1', 'fd00::1']) assert.equal(isPublicAddress(address, { allowLoopback: true }), false, address);
  });

  test('only https', async () => {
    assert.equal((await refusal(fetchPublicHttps('http://example.com/client.json'))).code, 'not_https');
    assert.equal((await refusal(fetchPublicHttps('ftp://example.com/client.json'))).code, 'not_https');
    assert.equal((await refusal(fetchPublicHttps('https://user:pw@example.com/client.json'))).code, 'bad_url');
  });

  test('literal private and loopback addresses are refused before any connection', async () => {
    const before = server.connections;
    for (const url of [`https://127.0.0.1:${server.port}/`, `https://[::1]:${server.port}/`, 'https://10.0.0.1/', 'https://169.254.169.254/latest/meta-data', `https://[::ffff:127.0.0.1]:${server.port}/`]) {
      assert.equal((await refusal(fetchPublicHttps(url, { ca: certificate.cert }))).code, 'forbidden_address', url);
    }
    assert.equal(server.connections, before, 'no connection was made');
  });

  test('names that resolve to private or loopback addresses are refused where the connection is made', async () => {
    const before = server.connections;
    const lookup = resolver({
      'metadata.example.test': ['169.254.169.254'],
      'intranet.example.test': ['10.1.2.3'],
      'mixed.example.test': ['93.184.216.34', '192.168.0.7'],
      'client.example.test': ['127.0.0.1'],
      'v6.example.test': ['fd12:3456::1'],
    });
    for (const host of ['metadata.example.test', 'intranet.example.test', 'mixed.example.test', 'client.example.test', 'v6.example.test']) {
      const error = await refusal(fetchPublicHttps(`https://${host}:${server.port}/client.json`, { lookup, ca: certificate.cert }));
      assert.equal(error.code, 'forbidden_address', host);
      assert.match(error.message, /not a public internet address/);
    }
    // Real DNS: localhost is this machine.
    assert.equal((await refusal(fetchPublicHttps(`https://localhost:${server.port}/client.json`, { ca: certificate.cert }))).code, 'forbidden_address');
    assert.equal(server.connections, before, 'no connection was made');
  });

  test('a name that answers differently on each lookup (DNS rebinding) is judged on the answer the socket uses', async () => {
    // A pre-check with one lookup and a connection with another could be fooled; here the
    // only lookup is the socket's, so the loopback answer is the one refused.
    let calls = 0;
    const rebinding = ((hostname: string, options: unknown, callback: (error: NodeJS.ErrnoException | null, addresses: LookupAddress[]) => void) => {
      calls++;
      callback(null, [{ address: calls === 1 ? '127.0.0.1' : '93.184.216.34', family: 4 }]);
    }) as unknown as LookupFunction;
    const before = server.connections;
    assert.equal((await refusal(fetchPublicHttps(`https://rebind.example.test:${server.port}/`, { lookup: rebinding, ca: certificate.cert }))).code, 'forbidden_address');
    assert.equal(calls, 1);
    assert.equal(server.connections, before);
  });

  test('with the test switch, a document on 127.0.0.1 over https is fetched (and private addresses still are not)', async () => {
    const lookup = resolver({ 'client.example.test': ['127.0.0.1'], 'intranet.example.test': ['10.1.2.3'] });
    const response = await fetchPublicHttps(`https://client.example.test:${server.port}/client.json`, { allowLoopback: true, lookup, ca: certificate.cert });
    assert.equal(response.status, 200);
    assert.deepEqual(JSON.parse(response.body.toString()), { ok: true });
    assert.equal(response.headers['cache-control'], 'max-age=60');
    const viaLocalhost = await fetchPublicHttps(`https://localhost:${server.port}/client.json`, { allowLoopback: true, ca: certificate.cert });
    assert.equal(viaLocalhost.status, 200);
    assert.equal((await refusal(fetchPublicHttps(`https://intranet.example.test:${server.port}/`, { allowLoopback: true, lookup, ca: certificate.cert }))).code, 'forbidden_address');
  });

  test('an untrusted certificate is refused', async () => {
    const error = await refusal(fetchPublicHttps(`https://localhost:${server.port}/client.json`, { allowLoopback: true }));
    assert.equal(error.code, 'network');
  });

  test('size and time limits', async () => {
    const options = { allowLoopback: true, ca: certificate.cert, maxBytes: 16 * 1024 };
    assert.equal((await refusal(fetchPublicHttps(`https://localhost:${server.port}/big`, options))).code, 'too_large');
    assert.equal((await refusal(fetchPublicHttps(`https://localhost:${server.port}/big-chunked`, options))).code, 'too_large');
    const started = Date.now();
    assert.equal((await refusal(fetchPublicHttps(`https://localhost:${server.port}/slow`, { ...options, timeoutMs: 300 }))).code, 'timeout');
    assert.ok(Date.now() - started < 2000);
  });

  test('redirects are not followed', async () => {
    const response = await fetchPublicHttps(`https://localhost:${server.port}/moved`, { allowLoopback: true, ca: certificate.cert });
    assert.equal(response.status, 302);
  });
});
