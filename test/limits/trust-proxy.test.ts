import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { loadConfig } from '../../src/config.js';
import { ConfigError } from '../../src/errors.js';
import { Visitor } from '../accounts/visitor.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

describe('TRUST_PROXY', () => {
  test('defaults: one hop in production, none otherwise; hop counts, addresses and CIDRs are read; true and junk are refused', () => {
    const load = (env: Record<string, string>) => loadConfig({ ...env }, { readEnvFile: false }).trustProxy;
    assert.equal(load({ NODE_ENV: 'production' }), 1);
    assert.equal(load({ NODE_ENV: 'development' }), false);
    assert.equal(load({ NODE_ENV: 'test' }), false);
    assert.equal(load({ NODE_ENV: 'production', TRUST_PROXY: 'false' }), false);
    assert.equal(load({ TRUST_PROXY: '2' }), 2);
    assert.deepEqual(load({ TRUST_PROXY: '10.0.0.0/8, 127.0.0.1,::1, fd00::/8, loopback' }), ['10.0.0.0/8', '127.0.0.1', '::1', 'fd00::/8', 'loopback']);
    for (const bad of ['true', '10.0.0.0/33', 'proxy.example.com', '1.2.3']) {
      assert.throws(() => load({ TRUST_PROXY: bad }), (error: unknown) => error instanceof ConfigError && /TRUST_PROXY/.test(error.message), bad);
    }
  });
});

describe('behind one trusted proxy hop (production default)', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer({ bundledCatalog: false, env: { NODE_ENV: 'production', HOST: '127.0.0.1', LOG_LEVEL: 'silent' } });
  });
  after(async () => {
    await server?.close();
  });

  test('X-Forwarded-For "198.51.100.N, 203.0.113.7" from the proxy counts as 203.0.113.7 for every N', async () => {
    // What nginx sends when a client writes its own X-Forwarded-For: the client's value, then the real address.
    const statuses: number[] = [];
    for (let n = 1; n <= 11; n++) {
      const visitor = new Visitor(server.baseUrl);
      visitor.headers['x-forwarded-for'] = `198.51.100.${n}, 203.0.113.7`;
      statuses.push((await visitor.register({ name: `Spray ${n}`, email: `spray${n}@example.com`, password: 'a long enough password' })).status);
    }
    assert.deepEqual(statuses, [...Array(10).fill(303), 429], 'one address, one registration limit');
    // The real address behind the same proxy is another client, with its own limit.
    const other = new Visitor(server.baseUrl);
    other.headers['x-forwarded-for'] = '198.51.100.1, 203.0.113.8';
    assert.equal((await other.register({ name: 'Other', email: 'other@example.com', password: 'a long enough password' })).status, 303);
  });
});
