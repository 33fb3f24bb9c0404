import assert from 'node:assert/strict';
import { createHash, generateKeyPairSync, randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test, type TestContext } from 'node:test';
import Provider from 'oidc-provider';
import { createKyselyAdapter, hashModelId, purgeExpired, type AdapterPayload, type OidcAdapterConstructor } from '../../src/oauth/adapter.js';
import { createTestDatabase, type TestDatabase } from '../helpers/db.js';

// Every database is dropped in after() (drop() is idempotent); unit tests also drop theirs
// as soon as they finish, so a long file does not keep dozens of schemas about.
const databases: TestDatabase[] = [];
after(async () => {
  await Promise.all(databases.map((d) => d.drop()));
});

async function freshDatabase(): Promise<TestDatabase> {
  const database = await createTestDatabase();
  databases.push(database);
  return database;
}

const T0 = 1_750_000_000;

/** An adapter class over a fresh database with a clock the test moves by hand. */
async function setup(t: TestContext): Promise<{ database: TestDatabase; Adapter: OidcAdapterConstructor; clock: { now: number } }> {
  const database = await freshDatabase();
  t.after(() => database.drop());
  const clock = { now: T0 };
  const Adapter = createKyselyAdapter(database.db, { now: () => clock.now });
  return { database, Adapter, clock };
}

describe('Kysely adapter for oidc-provider', () => {
  test('upsert then find returns the payload exactly', async (t) => {
    const { Adapter } = await setup(t);
    const tokens = new Adapter('AccessToken');
    const payload: AdapterPayload = {
      iat: T0,
      exp: T0 + 3600,
      jti: 'at-1',
      kind: 'AccessToken',
      accountId: 'user-1',
      clientId: 'client-1',
      grantId: 'grant-1',
      scope: 'openid food:read',
      claims: { userinfo: { email: null }, id_token: { auth_time: { essential: true } } },
      extra: { nested: [1, 2.5, true, null, 'ünïcødé ✓ "quoted" \\ back'], empty: {} },
      '__proto__': { notPrototype: true },
    };
    await tokens.upsert('at-1', payload, 3600);
    const found = await tokens.find('at-1');
    assert.deepEqual(found, JSON.parse(JSON.stringify(payload)));
    assert.equal(JSON.stringify(found), JSON.stringify(payload), 'key order and values survive');
    assert.equal(Object.getPrototypeOf(found), Object.prototype);
  });

  test('find returns undefined for an unknown id and for the same id under another model', async (t) => {
    const { Adapter } = await setup(t);
    await new Adapter('AccessToken').upsert('shared-id', { jti: 'shared-id', kind: 'AccessToken' }, 60);
    assert.equal(await new Adapter('AccessToken').find('missing'), undefined);
    assert.equal(await new Adapter('RefreshToken').find('shared-id'), undefined);
  });

  test('upsert twice replaces the payload, indexes and expiry', async (t) => {
    const { Adapter, clock } = await setup(t);
    const sessions = new Adapter('Session');
    await sessions.upsert('s-1', { jti: 's-1', uid: 'uid-old', accountId: 'a' }, 60);
    await sessions.upsert('s-1', { jti: 's-1', uid: 'uid-new', accountId: 'b' }, 600);
    assert.deepEqual(await sessions.find('s-1'), { jti: 's-1', uid: 'uid-new', accountId: 'b' });
    assert.equal(await sessions.findByUid('uid-old'), undefined);
    // Found by uid, the id (the cookie value) is not known, and is not stored to give back.
    assert.deepEqual(await sessions.findByUid('uid-new'), { uid: 'uid-new', accountId: 'b' });
    clock.now = T0 + 120;
    assert.ok(await sessions.find('s-1'), 'the second expiry (600 s) applies');
  });

  test('upsert after consume starts unconsumed', async (t) => {
    const { Adapter } = await setup(t);
    const codes = new Adapter('AuthorizationCode');
    await codes.upsert('c-1', { jti: 'c-1' }, 60);
    await codes.consume('c-1');
    await codes.upsert('c-1', { jti: 'c-1', v: 2 }, 60);
    assert.deepEqual(await codes.find('c-1'), { jti: 'c-1', v: 2 });
  });

  test('expired rows are not found by find, findByUid or findByUserCode', async (t) => {
    const { Adapter, clock } = await setup(t);
    const sessions = new Adapter('Session');
    const deviceCodes = new Adapter('DeviceCode');
    await sessions.upsert('s-1', { jti: 's-1', uid: 'u-1' }, 60);
    await deviceCodes.upsert('d-1', { jti: 'd-1', userCode: 'ABCD-EFGH' }, 60);
    clock.now = T0 + 59;
    assert.ok(await sessions.find('s-1'));
    assert.ok(await sessions.findByUid('u-1'));
    assert.ok(await deviceCodes.findByUserCode('ABCD-EFGH'));
    clock.now = T0 + 60; // exp <= now is expired, as in oidc-provider's isExpired
    assert.equal(await sessions.find('s-1'), undefined);
    assert.equal(await sessions.findByUid('u-1'), undefined);
    assert.equal(await deviceCodes.find('d-1'), undefined);
    assert.equal(await deviceCodes.findByUserCode('ABCD-EFGH'), undefined);
  });

  test('rows stored without expiresIn never expire', async (t) => {
    const { Adapter, clock } = await setup(t);
    const clients = new Adapter('Client');
    await clients.upsert('client-1', { client_id: 'client-1', redirect_uris: ['https://x.example/cb'] });
    clock.now = T0 + 10 * 365 * 24 * 3600;
    assert.deepEqual(await clients.find('client-1'), { client_id: 'client-1', redirect_uris: ['https://x.example/cb'] });
  });

  test('consume marks the row consumed and find returns it with consumed set', async (t) => {
    const { Adapter, clock } = await setup(t);
    const codes = new Adapter('AuthorizationCode');
    await codes.upsert('c-1', { jti: 'c-1', grantId: 'g-1' }, 60);
    clock.now = T0 + 5;
    await codes.consume('c-1');
    assert.deepEqual(await codes.find('c-1'), { jti: 'c-1', grantId: 'g-1', consumed: T0 + 5 });
    clock.now = T0 + 10;
    // A code is single-use: consumed again, the conditional update changes nothing and it is refused.
    await assert.rejects(codes.consume('c-1'), { error: 'invalid_grant' });
    assert.equal(await codes.find('c-1'), undefined, 'and its grant revoked, the code with it');
    await assert.rejects(codes.consume('missing'), { error: 'invalid_grant' });
    // Other models keep the old rule: consumed twice or missing, no error.
    const requests = new Adapter('PushedAuthorizationRequest');
    await requests.upsert('r-1', { jti: 'r-1' }, 60);
    await requests.consume('r-1');
    await requests.consume('r-1');
    assert.equal((await requests.find('r-1'))?.consumed, T0 + 10);
    await requests.consume('missing');
  });

  test('findByUid and findByUserCode find only their own model', async (t) => {
    const { Adapter } = await setup(t);
    const sessions = new Adapter('Session');
    const deviceCodes = new Adapter('DeviceCode');
    await sessions.upsert('s-1', { jti: 's-1', uid: 'uid-1', accountId: 'a' }, 60);
    await deviceCodes.upsert('d-1', { jti: 'd-1', userCode: 'WXYZ-1234', uid: 'uid-1' }, 60);
    assert.deepEqual(await sessions.findByUid('uid-1'), { uid: 'uid-1', accountId: 'a' });
    assert.deepEqual(await deviceCodes.findByUserCode('WXYZ-1234'), { userCode: 'WXYZ-1234', uid: 'uid-1' });
    assert.equal(await sessions.findByUserCode('WXYZ-1234'), undefined);
    assert.equal(await sessions.findByUid('uid-2'), undefined);
    assert.equal(await deviceCodes.findByUserCode('nope'), undefined);
  });

  test('revokeByGrantId removes every grant-bound model of that grant and nothing else', async (t) => {
    const { Adapter } = await setup(t);
    const model = (name: string) => new Adapter(name);
    await model('AccessToken').upsert('at-1', { jti: 'at-1', grantId: 'g-1' }, 60);
    await model('RefreshToken').upsert('rt-1', { jti: 'rt-1', grantId: 'g-1' }, 60);
    await model('AuthorizationCode').upsert('ac-1', { jti: 'ac-1', grantId: 'g-1' }, 60);
    await model('AccessToken').upsert('at-2', { jti: 'at-2', grantId: 'g-2' }, 60);
    await model('RefreshToken').upsert('rt-2', { jti: 'rt-2', grantId: 'g-2' }, 60);
    await model('Grant').upsert('g-1', { jti: 'g-1', accountId: 'a', clientId: 'c' }, 60);
    await model('Interaction').upsert('i-1', { jti: 'i-1', grantId: 'g-1' }, 60);
    await model('Session').upsert('s-1', { jti: 's-1', uid: 'u', authorizations: { c: { grantId: 'g-1' } } }, 60);

    // oidc-provider calls it once per grant-bound model, concurrently.
    await Promise.all(['AccessToken', 'RefreshToken', 'AuthorizationCode'].map((name) => model(name).revokeByGrantId('g-1')));

    assert.equal(await model('AccessToken').find('at-1'), undefined);
    assert.equal(await model('RefreshToken').find('rt-1'), undefined);
    assert.equal(await model('AuthorizationCode').find('ac-1'), undefined);
    assert.ok(await model('AccessToken').find('at-2'), 'another grant is untouched');
    assert.ok(await model('RefreshToken').find('rt-2'), 'another grant is untouched');
    assert.ok(await model('Grant').find('g-1'), 'the Grant itself is destroyed by id, not here');
    assert.ok(await model('Interaction').find('i-1'), 'an Interaction naming the grant is not a token');
    assert.ok(await model('Session').find('s-1'));

    // A single call also removes all three kinds (as oidc-provider's memory adapter does).
    await model('AuthorizationCode').upsert('ac-3', { jti: 'ac-3', grantId: 'g-3' }, 60);
    await model('AccessToken').upsert('at-3', { jti: 'at-3', grantId: 'g-3' }, 60);
    await model('AccessToken').revokeByGrantId('g-3');
    assert.equal(await model('AuthorizationCode').find('ac-3'), undefined);
    assert.equal(await model('AccessToken').find('at-3'), undefined);
  });

  test('after a revocation, tokens saved late are swept only if the Grant is gone; a kept grant keeps its new tokens', async (t) => {
    const { Adapter } = await setup(t);
    const model = (name: string) => new Adapter(name);
    // g-kept: its tokens revoked, the Grant kept (oidc-provider does so when revokeGrantPolicy
    // says no), then it issues new tokens at once.
    await model('Grant').upsert('g-kept', { jti: 'g-kept', accountId: 'a', clientId: 'c' }, 600);
    await model('AccessToken').upsert('at-old', { jti: 'at-old', grantId: 'g-kept' }, 600);
    await model('AccessToken').revokeByGrantId('g-kept');
    assert.equal(await model('AccessToken').find('at-old'), undefined);
    await model('AccessToken').upsert('at-new', { jti: 'at-new', grantId: 'g-kept' }, 600);
    await model('RefreshToken').upsert('rt-new', { jti: 'rt-new', grantId: 'g-kept' }, 600);

    // g-gone: revoked and its Grant destroyed, while a request that was already running saves
    // a token under it just after.
    await model('Grant').upsert('g-gone', { jti: 'g-gone', accountId: 'a', clientId: 'c' }, 600);
    await Promise.all([model('AccessToken').revokeByGrantId('g-gone'), model('Grant').destroy('g-gone')]);
    await model('AccessToken').upsert('at-late', { jti: 'at-late', grantId: 'g-gone' }, 600);
    assert.ok(await model('AccessToken').find('at-late'), 'saved after the revocation, before the sweeps');

    await new Promise((resolve) => setTimeout(resolve, 1300));
    assert.ok(await model('AccessToken').find('at-new'), 'a kept grant keeps the access token it issued after the revocation');
    assert.ok(await model('RefreshToken').find('rt-new'), 'and its refresh token');
    assert.equal(await model('AccessToken').find('at-late'), undefined, 'a token of a destroyed grant is swept');
  });

  test('destroy removes only that model row', async (t) => {
    const { Adapter } = await setup(t);
    await new Adapter('AccessToken').upsert('x', { jti: 'x', kind: 'AccessToken' }, 60);
    await new Adapter('RefreshToken').upsert('x', { jti: 'x', kind: 'RefreshToken' }, 60);
    await new Adapter('AccessToken').destroy('x');
    assert.equal(await new Adapter('AccessToken').find('x'), undefined);
    assert.deepEqual(await new Adapter('RefreshToken').find('x'), { jti: 'x', kind: 'RefreshToken' });
    await new Adapter('AccessToken').destroy('x'); // already gone: no error
  });

  test('purgeExpired deletes expired rows, consumed or not, and keeps live, consumed-but-live and non-expiring rows', async (t) => {
    const { database, Adapter } = await setup(t);
    const codes = new Adapter('AuthorizationCode');
    const tokens = new Adapter('AccessToken');
    await codes.upsert('expired-consumed', { jti: 'expired-consumed' }, 30);
    await codes.consume('expired-consumed');
    await codes.upsert('live-consumed', { jti: 'live-consumed' }, 600);
    await codes.consume('live-consumed');
    await tokens.upsert('expired', { jti: 'expired' }, 60);
    await tokens.upsert('live', { jti: 'live' }, 600);
    await new Adapter('Client').upsert('forever', { client_id: 'forever' });

    assert.equal(await purgeExpired(database.db, T0 + 59), 1, 'only the code that expired at T0+30');
    assert.equal(await purgeExpired(database.db, T0 + 60), 1, 'the token that expires exactly now');
    assert.equal(await purgeExpired(database.db, T0 + 60), 0, 'nothing twice');

    const left = await database.db.selectFrom('oauth_models').select(['model', 'id']).orderBy('id').execute();
    assert.deepEqual(
      left.map((row) => row.id).sort(),
      ['forever', hashModelId('live'), hashModelId('live-consumed')].sort(),
    );
    assert.equal(await purgeExpired(database.db, new Date((T0 + 600) * 1000)), 2, 'accepts a Date');
  });
});

// ---------------------------------------------------------------------------------------
// A real oidc-provider, over HTTP, storing everything through the adapter.

/** Minimal cookie jar: one value per cookie name, dropped when the server expires it. */
class CookieJar {
  readonly #cookies = new Map<string, string>();

  store(response: Response): void {
    for (const header of response.headers.getSetCookie()) {
      const [pair = '', ...attributes] = header.split(';');
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      const expires = attributes.find((a) => a.trim().toLowerCase().startsWith('expires='));
      const expired = expires !== undefined && Date.parse(expires.split('=')[1] ?? '') <= Date.now();
      if (expired || value === '') this.#cookies.delete(name);
      else this.#cookies.set(name, value);
    }
  }

  header(): string {
    return [...this.#cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }
}

describe('Kysely adapter with a real oidc-provider', () => {
  let database: TestDatabase;
  let server: http.Server;
  let issuer: string;
  const stored = new Set<string>();
  const consumed = new Set<string>();
  const clientId = 'larder-test-client';
  const clientSecret = randomBytes(24).toString('base64url');
  const redirectUri = 'https://client.example/callback';

  before(async () => {
    database = await freshDatabase();
    const Base = createKyselyAdapter(database.db);
    // Record which models went through the adapter.
    class RecordingAdapter extends Base {
      override async upsert(id: string, payload: AdapterPayload, expiresIn?: number): Promise<void> {
        stored.add(this.name);
        return super.upsert(id, payload, expiresIn);
      }

      override async consume(id: string): Promise<void> {
        consumed.add(this.name);
        return super.consume(id);
      }
    }

    server = http.createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const provider = new Provider(issuer, {
      adapter: RecordingAdapter,
      clients: [
        {
          client_id: clientId,
          client_secret: clientSecret,
          redirect_uris: [redirectUri],
          grant_types: ['authorization_code', 'refresh_token'],
          response_types: ['code'],
          token_endpoint_auth_method: 'client_secret_basic',
        },
      ],
      jwks: { keys: [{ ...privateKey.export({ format: 'jwk' }), kid: 'test-rs256', alg: 'RS256', use: 'sig' }] },
      cookies: { keys: [randomBytes(32).toString('base64url')] },
      features: { devInteractions: { enabled: false } },
      ttl: { Interaction: 600, Session: 86_400, Grant: 86_400, AccessToken: 3600, IdToken: 3600, RefreshToken: 86_400, AuthorizationCode: 60 },
      pkce: { required: () => true },
      findAccount: async (_ctx, sub) => ({ accountId: sub, claims: async () => ({ sub }) }),
      issueRefreshToken: async (_ctx: unknown, client: { grantTypeAllowed(type: string): boolean }) =>
        client.grantTypeAllowed('refresh_token'),
      interactions: { url: async (_ctx: unknown, interaction: { uid: string }) => `/interaction/${interaction.uid}` },
    });

    const callback = provider.callback();
    // What Larder's own interaction routes will do: log in, then grant consent, programmatically.
    server.on('request', (req, res) => {
      if (!req.url?.startsWith('/interaction/')) {
        callback(req, res);
        return;
      }
      void (async () => {
        const details = await provider.interactionDetails(req, res);
        if (details.prompt.name === 'login') {
          await provider.interactionFinished(req, res, { login: { accountId: 'user-42' } }, { mergeWithLastSubmission: false });
          return;
        }
        assert.equal(details.prompt.name, 'consent');
        const grant = details.grantId
          ? await provider.Grant.find(details.grantId)
          : new provider.Grant({ accountId: details.session?.accountId ?? '', clientId: String(details.params.client_id) });
        assert.ok(grant);
        const missing = details.prompt.details.missingOIDCScope;
        if (Array.isArray(missing)) grant.addOIDCScope(missing.join(' '));
        const grantId = await grant.save();
        await provider.interactionFinished(req, res, { consent: { grantId } }, { mergeWithLastSubmission: true });
      })().catch((error: unknown) => {
        res.statusCode = 500;
        res.end(String(error));
      });
    });
  });

  after(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  async function token(body: Record<string, string>): Promise<{ status: number; json: Record<string, unknown> }> {
    const response = await fetch(`${issuer}/token`, {
      method: 'POST',
      headers: {
        authorization: `Basic ${Buffer.from(`${clientId}:${clientSecret}`).toString('base64')}`,
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: new URLSearchParams(body),
    });
    return { status: response.status, json: (await response.json()) as Record<string, unknown> };
  }

  async function rows(model: string): Promise<{ id: string; grant_id: string | null; consumed_at: unknown }[]> {
    return database.db
      .selectFrom('oauth_models')
      .select(['id', 'grant_id', 'consumed_at'])
      .where('model', '=', model)
      .execute();
  }

  test('a full authorization_code grant, refresh and code replay store and revoke through the adapter', async () => {
    const verifier = randomBytes(32).toString('base64url');
    const challenge = createHash('sha256').update(verifier).digest('base64url');
    const state = randomBytes(8).toString('hex');
    const jar = new CookieJar();

    let url: string = `${issuer}/auth?${new URLSearchParams({
      client_id: clientId,
      response_type: 'code',
      redirect_uri: redirectUri,
      scope: 'openid',
      state,
      code_challenge: challenge,
      code_challenge_method: 'S256',
    })}`;
    const visited: string[] = [];
    let callbackUrl: URL | undefined;
    for (let hop = 0; hop < 10 && !callbackUrl; hop++) {
      const response = await fetch(url, { redirect: 'manual', headers: { cookie: jar.header() } });
      jar.store(response);
      const location = response.headers.get('location');
      assert.ok(response.status >= 300 && response.status < 400 && location, `${url} -> ${response.status} ${await response.text()}`);
      const next = new URL(location, url);
      visited.push(next.pathname);
      if (next.href.startsWith(redirectUri)) callbackUrl = next;
      else url = next.href;
    }
    assert.ok(callbackUrl, `never reached the redirect_uri: ${visited.join(' -> ')}`);
    assert.equal(visited.filter((p) => p.startsWith('/interaction/')).length, 2, 'login, then consent');
    assert.equal(callbackUrl.searchParams.get('state'), state);
    const code = callbackUrl.searchParams.get('code');
    assert.ok(code, callbackUrl.href);

    const exchanged = await token({ grant_type: 'authorization_code', code, redirect_uri: redirectUri, code_verifier: verifier });
    assert.equal(exchanged.status, 200, JSON.stringify(exchanged.json));
    const accessToken = exchanged.json.access_token;
    const refreshToken = exchanged.json.refresh_token;
    assert.equal(typeof accessToken, 'string');
    assert.equal(typeof refreshToken, 'string');
    assert.equal(typeof exchanged.json.id_token, 'string');

    // Every model of the flow went through the adapter and is in the table.
    for (const model of ['Interaction', 'Session', 'Grant', 'AuthorizationCode', 'AccessToken', 'RefreshToken']) {
      assert.ok(stored.has(model), `${model} was stored through the adapter`);
    }
    assert.ok(consumed.has('AuthorizationCode'));
    const [grant] = await rows('Grant');
    assert.ok(grant);
    assert.equal((await rows('Session')).length, 1);
    const [codeRow] = await rows('AuthorizationCode');
    assert.equal(codeRow?.id, hashModelId(code), 'the code is stored under its hash');
    assert.equal(codeRow?.grant_id, grant.id);
    assert.notEqual(codeRow?.consumed_at, null, 'the code is consumed');
    assert.deepEqual((await rows('AccessToken')).map((r) => [r.id, r.grant_id]), [[hashModelId(String(accessToken)), grant.id]]);
    assert.deepEqual((await rows('RefreshToken')).map((r) => [r.id, r.grant_id]), [[hashModelId(String(refreshToken)), grant.id]]);
    assert.equal((await rows('Interaction')).length, 0, 'oidc-provider destroys interactions once resumed');

    // The access token is found again through the adapter.
    const me = await fetch(`${issuer}/me`, { headers: { authorization: `Bearer ${String(accessToken)}` } });
    assert.equal(me.status, 200);
    assert.deepEqual(await me.json(), { sub: 'user-42' });

    // The refresh token is found and yields a new access token.
    const refreshed = await token({ grant_type: 'refresh_token', refresh_token: String(refreshToken) });
    assert.equal(refreshed.status, 200, JSON.stringify(refreshed.json));
    assert.equal((await rows('AccessToken')).length, 2);

    // Replaying the consumed code is refused and revokes every token of the grant.
    const replay = await token({ grant_type: 'authorization_code', code, redirect_uri: redirectUri, code_verifier: verifier });
    assert.equal(replay.status, 400);
    assert.equal(replay.json.error, 'invalid_grant');
    assert.deepEqual(await rows('AccessToken'), []);
    assert.deepEqual(await rows('RefreshToken'), []);
    assert.deepEqual(await rows('AuthorizationCode'), []);
    assert.deepEqual(await rows('Grant'), [], 'revokeGrantPolicy destroys the Grant too');
    const afterReplay = await token({ grant_type: 'refresh_token', refresh_token: String(refreshToken) });
    assert.equal(afterReplay.json.error, 'invalid_grant');
  });
});
