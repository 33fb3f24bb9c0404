import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { flushUsageOf } from '../../src/api/usage.js';
import { Visitor, csrfIn } from '../accounts/visitor.js';
import { GPT_CALLBACK, PASSWORD, apiGet, obtainCode, postForm, startOAuthTestServer, type OAuthTestServer } from './oauth-helpers.js';

/** The API as a resource server: bearer tokens, scopes, plans, quotas, history, revocation from /account. */
describe('resource server (/api)', () => {
  let server: OAuthTestServer;

  before(async () => {
    server = await startOAuthTestServer({ LARDER_QUOTA_FREE: '5', LARDER_QUOTA_PRO: '50' });
    const now = new Date().toISOString();
    await server.server.database.db
      .insertInto('foods')
      .values({
        id: 'sr-09040',
        slug: 'banana-raw',
        name: 'Banana, raw',
        food_group: 'Fruits',
        dataset: 'USDA SR28',
        source_id: '09040',
        nutrients: JSON.stringify({ energy: 89, protein: 1.09, fat: 0.33, carbohydrate: 22.84, potassium: 358, water: 74.91 }),
        portions: '[]',
        search_terms: '',
        updated_at: now,
      })
      .execute();
    await server.server.catalog.refresh();
  });
  after(() => server.close());

  /** A token for `email` through the real flow, with the client's scopes (or `scopes`). */
  async function tokenFor(email: string, clientScopes: string[] = ['foods:read', 'diary:read', 'diary:write', 'profile']) {
    const { client, clientSecret } = await server.createClient({ name: `App for ${email}`, scopes: clientScopes });
    const visitor = new Visitor(server.baseUrl);
    const person = { ...server, user: { ...server.user, email } };
    const { code } = await obtainCode(person, visitor, { response_type: 'code', client_id: client.clientId, redirect_uri: GPT_CALLBACK, state: 's', scope: '' });
    const tokens = await postForm(server.baseUrl, '/oauth/token', { grant_type: 'authorization_code', code, redirect_uri: GPT_CALLBACK, client_id: client.clientId, client_secret: clientSecret! });
    assert.equal(tokens.status, 200, JSON.stringify(tokens.body));
    return { accessToken: String(tokens.body.access_token), visitor, client };
  }

  test('missing, malformed and unknown tokens get 401 invalid_token with a Bearer challenge', async () => {
    for (const header of [undefined, 'Basic abc', 'Bearer', 'Bearer not a token', 'Bearer AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA']) {
      const response = await fetch(`${server.baseUrl}/api/foods/search?query=banana`, { headers: header === undefined ? {} : { authorization: header } });
      assert.equal(response.status, 401, String(header));
      assert.match(response.headers.get('www-authenticate') ?? '', /^Bearer realm="Larder", error="invalid_token"/);
      const body = (await response.json()) as { error: string; error_description: string };
      assert.equal(body.error, 'invalid_token');
      assert.ok(body.error_description);
    }
  });

  test('a token in the query string is refused, even a valid one', async () => {
    await server.createUser('query@example.com');
    const { accessToken } = await tokenFor('query@example.com');
    const response = await fetch(`${server.baseUrl}/api/foods/search?query=banana&access_token=${accessToken}`);
    assert.equal(response.status, 401);
    assert.match(((await response.json()) as { error_description: string }).error_description, /Authorization header/);
  });

  test('a token without the route scope gets 403 insufficient_scope naming the scope', async () => {
    await server.createUser('narrow@example.com');
    const { accessToken } = await tokenFor('narrow@example.com', ['foods:read']);
    assert.equal((await apiGet(server.baseUrl, '/api/foods/sr-09040', accessToken)).status, 200);
    const me = await apiGet(server.baseUrl, '/api/me', accessToken);
    assert.equal(me.status, 403);
    assert.equal(me.headers.get('www-authenticate'), 'Bearer realm="Larder", error="insufficient_scope", error_description="This request needs the scope profile; connect the app again and allow it.", scope="profile"');
    assert.deepEqual(Object.keys(me.body).sort(), ['error', 'error_description']);
    assert.equal(me.body.error, 'insufficient_scope');
  });

  test('free sees the main nutrients, pro the full panel', async () => {
    await server.createUser('free@example.com', 'free');
    await server.createUser('pro@example.com', 'pro');
    const names = async (email: string) => {
      const { accessToken } = await tokenFor(email);
      const food = await apiGet(server.baseUrl, '/api/foods/sr-09040', accessToken);
      assert.equal(food.status, 200);
      return ((food.body.data as { nutrition: Array<{ name: string }> }).nutrition ?? []).map((n) => n.name);
    };
    const free = await names('free@example.com');
    const pro = await names('pro@example.com');
    assert.ok(free.includes('Energy') && !free.includes('Potassium'), free.join(', '));
    assert.ok(pro.includes('Potassium') && pro.includes('Water'), pro.join(', '));
  });

  test('over the daily quota: 429 with Retry-After; refused requests do not count', async () => {
    await server.createUser('busy@example.com');
    const { accessToken } = await tokenFor('busy@example.com');
    for (let i = 0; i < 5; i++) assert.equal((await apiGet(server.baseUrl, '/api/me', accessToken)).status, 200);
    const over = await apiGet(server.baseUrl, '/api/me', accessToken);
    assert.equal(over.status, 429);
    const retryAfter = Number(over.headers.get('retry-after'));
    assert.ok(retryAfter >= 1 && retryAfter <= 86400, String(retryAfter));
    assert.equal(over.body.error, 'quota_exceeded');
  });

  test('every API request is recorded (never the token); /account lists the app and history, and Revoke works at once', async () => {
    await server.createUser('dana@example.com');
    const { accessToken, visitor } = await tokenFor('dana@example.com');
    assert.equal((await apiGet(server.baseUrl, '/api/foods/search?query=banana', accessToken)).status, 200);
    assert.equal((await apiGet(server.baseUrl, '/api/me', accessToken)).status, 200);

    // History is written in batches, a flush interval after the answers; flush this process's now.
    await flushUsageOf(server.server.database.db);
    const rows = await server.server.database.db.selectFrom('api_requests').selectAll().execute();
    assert.ok(rows.some((r) => r.route === '/api/foods/search' && Number(r.status) === 200));
    assert.ok(!JSON.stringify(rows).includes(accessToken), 'the token is never stored');

    const account = await visitor.get('/account');
    assert.equal(account.status, 200);
    assert.match(account.body, /Connected apps/);
    assert.match(account.body, /App for dana@example.com/);
    assert.match(account.body, /last used/);
    assert.match(account.body, /Searched &#39;banana&#39;(?: \(nothing matched\))? from <strong>App for dana@example.com<\/strong>/);
    // Revoke asks first: a page that says what the app may do and what revoking does.
    const confirmUrl = /href="(\/account\/apps\/[^"]+\/revoke)">Revoke…/.exec(account.body)![1]!;
    const confirm = await visitor.get(confirmUrl);
    assert.equal(confirm.status, 200);
    assert.match(confirm.body, /<h1>Revoke App for dana@example.com\?<\/h1>/);
    assert.match(confirm.body, /every token it holds stops working at once/);
    assert.equal((await apiGet(server.baseUrl, '/api/me', accessToken)).status, 200, 'showing the page revokes nothing');
    const revokeAction = /action="(\/account\/apps\/[^"]+\/revoke)"/.exec(confirm.body)![1]!;

    // Without the CSRF token nothing happens.
    assert.equal((await visitor.post(revokeAction, {})).status, 403);
    assert.equal((await apiGet(server.baseUrl, '/api/me', accessToken)).status, 200);

    const revoked = await visitor.post(revokeAction, { _csrf: csrfIn(confirm.body) });
    assert.equal(revoked.status, 303);
    assert.equal((await apiGet(server.baseUrl, '/api/me', accessToken)).status, 401);
    const after = await visitor.get(revoked.location!.replace(/#.*$/, ''));
    assert.match(after.body, /No apps are connected/);
    assert.match(after.body, /You disconnected <strong>App for dana@example.com<\/strong>\. It can no longer use your Larder account/);
    assert.equal((await visitor.post(revokeAction, { _csrf: csrfIn(confirm.body) })).status, 404, 'a second Revoke: not connected any more');
  });

  test('another person cannot revoke someone else\'s grant', async () => {
    await server.createUser('erin@example.com');
    const { accessToken } = await tokenFor('erin@example.com');
    const intruder = new Visitor(server.baseUrl);
    await intruder.logIn(server.user.email, PASSWORD);
    const page = await intruder.get('/account');
    const othersGrants = await server.server.database.db.selectFrom('oauth_models').select('id').where('model', '=', 'Grant').where('account_id', '!=', server.user.id).execute();
    assert.ok(othersGrants.length > 0);
    for (const { id } of othersGrants) {
      assert.equal((await intruder.get(`/account/apps/${id}/revoke`)).status, 404);
      assert.equal((await intruder.post(`/account/apps/${id}/revoke`, { _csrf: csrfIn(page.body) })).status, 404);
    }
    assert.equal((await apiGet(server.baseUrl, '/api/me', accessToken)).status, 200, "Erin's grant survived");
  });
});
