import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { loadConfig } from '../../src/config.js';
import { CLEAN_ADDRESS_REUSES } from '../../src/limits/http.js';
import { createClient } from '../../src/oauth/clients.js';
import { startServer, type RunningServer } from '../../src/server.js';
import { Visitor } from '../accounts/visitor.js';
import { redisAvailable, TEST_REDIS_URL, uniqueAddress } from '../helpers/redis.js';
import { freePort, startTestServer, type TestServer } from '../helpers/server.js';
import { GPT_CALLBACK } from '../oauth/oauth-helpers.js';

const hasRedis = await redisAvailable();

for (const backend of ['database', 'redis'] as const) {
  describe(`per-address limits shared by two instances (${backend})`, { skip: backend === 'redis' && !hasRedis ? 'no Redis' : false }, () => {
    let first: TestServer;
    let second: RunningServer;
    let secondUrl: string;
    const env: Record<string, string> = { TRUST_PROXY: 'loopback', ...(backend === 'redis' ? { REDIS_URL: TEST_REDIS_URL } : {}) };
    before(async () => {
      first = await startTestServer({ bundledCatalog: false, env });
      const port = await freePort();
      secondUrl = `http://127.0.0.1:${port}`;
      second = await startServer(
        loadConfig(
          { NODE_ENV: 'test', PORT: String(port), APP_URL: first.config.appUrl, DATABASE_URL: first.database.url, LARDER_STORAGE: first.config.storageDir, LARDER_BUNDLED_CATALOG: 'false', ...env },
          { readEnvFile: false },
        ),
      );
    });
    after(async () => {
      await second?.stop();
      await first?.close();
    });
    const instance = (i: number) => (i % 2 === 0 ? first.baseUrl : secondUrl);

    test('POST /register: 10 an hour from one address across both instances, then 429 with Retry-After', async () => {
      const address = uniqueAddress();
      const statuses: number[] = [];
      let refusal: Awaited<ReturnType<Visitor['register']>> | undefined;
      for (let i = 0; i < 12; i++) {
        const visitor = new Visitor(instance(i));
        visitor.headers['x-forwarded-for'] = address;
        const response = await visitor.register({ name: `Person ${i}`, email: `limit-${backend}-${i}@example.com`, password: 'a long enough password' });
        statuses.push(response.status);
        if (response.status === 429) refusal ??= response;
      }
      assert.deepEqual(statuses, [...Array(10).fill(303), 429, 429]);
      assert.ok(Number(refusal?.headers.get('retry-after')) > 3500);
      assert.match(refusal?.body ?? '', /Too many accounts were created from this address/);
      // Another address is not affected.
      const other = new Visitor(first.baseUrl);
      other.headers['x-forwarded-for'] = uniqueAddress();
      assert.equal((await other.register({ name: 'Other', email: `limit-${backend}-other@example.com`, password: 'a long enough password' })).status, 303);
    });

    test('/oauth/token: after 60 failed requests from one address, both instances answer 429 in RFC 6749 form, even to a right secret', async () => {
      const { client, clientSecret } = await createClient(first.server.database.db, { name: 'Limited', redirectUris: [GPT_CALLBACK], scopes: ['foods:read'] });
      const address = uniqueAddress();
      const tokenRequest = (base: string, secret: string) =>
        fetch(`${base}/oauth/token`, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json', 'x-forwarded-for': address },
          body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: 'not-a-real-token', client_id: client.clientId, client_secret: secret }),
        });
      const errors: string[] = [];
      for (let i = 0; i < 60; i++) {
        const response = await tokenRequest(instance(i), i % 2 === 0 ? 'wrong secret' : clientSecret!);
        errors.push(String(((await response.json()) as { error?: string }).error));
      }
      assert.deepEqual([...new Set(errors)].sort(), ['invalid_client', 'invalid_grant']);
      for (const base of [first.baseUrl, secondUrl]) {
        const refused = await tokenRequest(base, clientSecret!);
        assert.equal(refused.status, 429);
        assert.ok(Number(refused.headers.get('retry-after')) > 0);
        assert.match(refused.headers.get('content-type') ?? '', /^application\/json/);
        const body = (await refused.json()) as Record<string, unknown>;
        assert.equal(body.error, 'temporarily_unavailable');
        assert.match(String(body.error_description), /Too many failed token requests/);
      }
      // Successful requests never count: another address making good requests is untouched.
      const fresh = await fetch(`${first.baseUrl}/oauth/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-forwarded-for': uniqueAddress() },
        body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: 'not-a-real-token', client_id: client.clientId, client_secret: clientSecret! }),
      });
      assert.equal(fresh.status, 400);
    });

    test(`/oauth/token: an address this instance read clean is refused within ${CLEAN_ADDRESS_REUSES + 1} requests once the other instance counted 60 failures`, async () => {
      const { client, clientSecret } = await createClient(first.server.database.db, { name: 'Limited elsewhere', redirectUris: [GPT_CALLBACK], scopes: ['foods:read'] });
      const address = uniqueAddress();
      const post = (base: string, body: Record<string, string>) =>
        fetch(`${base}/oauth/token`, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json', 'x-forwarded-for': address },
          body: new URLSearchParams(body),
        });
      // A malformed request is never counted: the first instance reads the address's count (none) and keeps that.
      const malformed = { grant_type: 'refresh_token', client_id: client.clientId, client_secret: clientSecret! };
      const first400 = await post(first.baseUrl, malformed);
      assert.equal(((await first400.json()) as { error?: string }).error, 'invalid_request');
      for (let i = 0; i < 60; i++) {
        const response = await post(secondUrl, { grant_type: 'refresh_token', refresh_token: 'not-a-real-token', client_id: client.clientId, client_secret: 'wrong secret' });
        assert.equal(((await response.json()) as { error?: string }).error, 'invalid_client');
      }
      const statuses: number[] = [];
      for (let i = 0; i <= CLEAN_ADDRESS_REUSES; i++) statuses.push((await post(first.baseUrl, malformed)).status);
      const refusedAt = statuses.indexOf(429);
      assert.ok(refusedAt >= 0, `no 429 in ${statuses.join(' ')}`);
      assert.ok(statuses.slice(refusedAt).every((status) => status === 429), statuses.join(' '));
      assert.ok(statuses.slice(0, refusedAt).every((status) => status === 400), statuses.join(' '));
    });

    test('/oauth/register (dynamic client registration): 20 an hour from one address, then 429', async () => {
      const address = uniqueAddress();
      const statuses: number[] = [];
      for (let i = 0; i < 21; i++) {
        const response = await fetch(`${instance(i)}/oauth/register`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-forwarded-for': address },
          body: JSON.stringify({ redirect_uris: ['https://client.example/cb'], client_name: `c${i}` }),
        });
        statuses.push(response.status);
        if (i === 20) {
          assert.equal(response.headers.get('retry-after') !== null, true);
          assert.equal(((await response.json()) as { error: string }).error, 'temporarily_unavailable');
        } else await response.arrayBuffer();
      }
      assert.ok(statuses.slice(0, 20).every((s) => s !== 429), statuses.join(' '));
      assert.equal(statuses[20], 429);
    });
  });
}
