import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { loadConfig } from '../src/config.js';
import { startServer, type RunningServer } from '../src/server.js';
import { hashModelId } from '../src/oauth/adapter.js';
import { revokeGrant } from '../src/oauth/grants.js';
import { issueApiToken } from './oauth/oauth-helpers.js';
import { freePort, startTestServer, type TestServer } from './helpers/server.js';

describe('two Larder instances on one database', () => {
  let first: TestServer;
  let second: RunningServer;
  let secondUrl: string;
  before(async () => {
    first = await startTestServer();
    // The same database and storage (keys), another process-like instance on another port.
    const port = await freePort();
    secondUrl = `http://127.0.0.1:${port}`;
    const config = loadConfig(
      { NODE_ENV: 'test', PORT: String(port), APP_URL: first.config.appUrl, DATABASE_URL: first.database.url, LARDER_STORAGE: first.config.storageDir },
      { readEnvFile: false },
    );
    second = await startServer(config);
  });
  after(async () => {
    await second?.stop();
    await first?.close();
  });

  test('a token issued by one is accepted by the other; revoked on one, refused there at once and by the other within a second', async () => {
    const { accessToken } = await issueApiToken(first, { plan: 'pro' });
    const call = (base: string) => fetch(`${base}/api/foods/search?query=apple`, { headers: { authorization: `Bearer ${accessToken}` } });
    assert.equal((await call(first.baseUrl)).status, 200);
    assert.equal((await call(secondUrl)).status, 200);
    // The person revokes the app (what Revoke on /account does), through the first instance's database.
    const token = await first.server.database.db.selectFrom('oauth_models').select(['grant_id']).where('model', '=', 'AccessToken').where('id', '=', hashModelId(accessToken)).executeTakeFirstOrThrow();
    // Both instances have verified (and cached) the token by now.
    assert.equal((await call(secondUrl)).status, 200);
    const revokedAt = performance.now();
    assert.ok(await revokeGrant(first.server.database.db, token.grant_id!));
    assert.equal((await call(first.baseUrl)).status, 401);
    // The other instance learns it through the change feed (src/changes/feed.ts).
    let status = (await call(secondUrl)).status;
    while (status === 200 && performance.now() - revokedAt < 1000) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      status = (await call(secondUrl)).status;
    }
    assert.equal(status, 401, `still accepted ${Math.round(performance.now() - revokedAt)} ms after the revocation`);
  });

  test('the catalog changed through one instance is searched by the other after its refresh', async () => {
    await first.server.catalog.importFoods([{ dataset: 'Local', sourceId: 'q1', name: 'Quokka berry jam', foodGroup: 'Sweets', nutrients: { energy: 250 }, portions: [] }]);
    await second.catalog.refresh();
    const found = await second.catalog.searchFoods('quokka jam', 1);
    assert.equal(found.results[0]?.food.name, 'Quokka berry jam');
  });

  test('the discovery document is the same on both, built from APP_URL whatever the Host', async () => {
    const a = await (await fetch(`${first.baseUrl}/.well-known/oauth-authorization-server`)).json();
    const b = await (await fetch(`${secondUrl}/.well-known/oauth-authorization-server`)).json();
    assert.deepEqual(a, b);
    const viaOtherHost = await (await fetch(`${secondUrl.replace('127.0.0.1', 'localhost')}/.well-known/openid-configuration`)).json();
    assert.deepEqual(viaOtherHost, a);
    assert.equal((a as { token_endpoint: string }).token_endpoint, `${first.config.appUrl}/oauth/token`);
  });
});
