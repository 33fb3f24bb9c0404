import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { Visitor, csrfIn } from '../accounts/visitor.js';
import {
  GPT_CALLBACK,
  PASSWORD,
  apiGet,
  authorizeUrl,
  followAuthorization,
  obtainCode,
  postForm,
  startOAuthTestServer,
  type OAuthTestServer,
} from './oauth-helpers.js';

/** RFC 9700 (OAuth 2.0 Security Best Current Practice), one attack at a time. */
describe('authorization server security', () => {
  let server: OAuthTestServer;
  let gpt: { id: string; secret: string };
  let other: { id: string; secret: string };

  before(async () => {
    server = await startOAuthTestServer();
    const a = await server.createClient();
    const b = await server.createClient({ name: 'Other app', redirectUris: ['https://other.example/callback'] });
    gpt = { id: a.client.clientId, secret: a.clientSecret! };
    other = { id: b.client.clientId, secret: b.clientSecret! };
  });
  after(() => server.close());

  const params = (extra: Record<string, string> = {}) => ({ response_type: 'code', client_id: gpt.id, redirect_uri: GPT_CALLBACK, state: 'st', scope: '', ...extra });
  const exchange = (code: string, client = gpt, extra: Record<string, string> = {}) =>
    postForm(server.baseUrl, '/oauth/token', { grant_type: 'authorization_code', code, redirect_uri: GPT_CALLBACK, client_id: client.id, client_secret: client.secret, ...extra });
  const refresh = (refreshToken: string, client = gpt) =>
    postForm(server.baseUrl, '/oauth/token', { grant_type: 'refresh_token', refresh_token: refreshToken, client_id: client.id, client_secret: client.secret });

  for (const [label, redirectUri] of [
    ['an unregistered redirect URI', 'https://evil.example/callback'],
    ['a prefix of the registered one', GPT_CALLBACK.slice(0, -1)],
    ['the registered one with more path', `${GPT_CALLBACK}/../../evil`],
    ['the registered one with a query', `${GPT_CALLBACK}?next=https://evil.example`],
    ['another scheme', GPT_CALLBACK.replace('https:', 'http:')],
  ] as const) {
    test(`${label} gets an error page, never a redirect`, async () => {
      const response = await fetch(server.baseUrl + authorizeUrl(params({ redirect_uri: redirectUri })), { redirect: 'manual' });
      assert.equal(response.status, 400);
      assert.equal(response.headers.get('location'), null);
      assert.match(response.headers.get('content-type') ?? '', /text\/html/);
      const body = await response.text();
      assert.match(body, /is not set up to bring you back/);
      assert.match(body, /redirect_uri/);
      assert.match(response.headers.get('content-security-policy') ?? '', /default-src 'none'/);
    });
  }

  test('an unknown client gets an error page, never a redirect', async () => {
    const response = await fetch(server.baseUrl + authorizeUrl(params({ client_id: 'lc_nobody' })), { redirect: 'manual' });
    assert.equal(response.status, 400);
    assert.equal(response.headers.get('location'), null);
    assert.match(await response.text(), /invalid_client/);
  });

  test('a replayed authorization code fails and revokes the tokens it issued', async () => {
    const { code } = await obtainCode(server, new Visitor(server.baseUrl), params());
    const first = await exchange(code);
    assert.equal(first.status, 200);
    const replay = await exchange(code);
    assert.equal(replay.status, 400);
    assert.equal(replay.body.error, 'invalid_grant');
    assert.equal((await apiGet(server.baseUrl, '/api/me', String(first.body.access_token))).status, 401);
    assert.equal((await refresh(String(first.body.refresh_token))).body.error, 'invalid_grant');
  });

  test('a code issued to one client cannot be redeemed by another', async () => {
    const { code } = await obtainCode(server, new Visitor(server.baseUrl), params());
    const stolen = await exchange(code, other);
    assert.equal(stolen.status, 400);
    assert.equal(stolen.body.error, 'invalid_grant');
  });

  test('PKCE: a wrong verifier, a missing verifier (downgrade) and a verifier without a challenge all fail', async () => {
    const verifier = randomBytes(32).toString('base64url');
    const challenge = createHash('sha256').update(verifier).digest('base64url');
    const withChallenge = () => obtainCode(server, new Visitor(server.baseUrl), params({ code_challenge: challenge, code_challenge_method: 'S256' }));

    const wrong = await exchange((await withChallenge()).code, gpt, { code_verifier: randomBytes(32).toString('base64url') });
    assert.equal(wrong.body.error, 'invalid_grant');
    const missing = await exchange((await withChallenge()).code);
    assert.equal(missing.body.error, 'invalid_grant');
    const { code } = await obtainCode(server, new Visitor(server.baseUrl), params());
    const injected = await exchange(code, gpt, { code_verifier: verifier });
    assert.equal(injected.body.error, 'invalid_grant');
    const right = await exchange((await withChallenge()).code, gpt, { code_verifier: verifier });
    assert.equal(right.status, 200);

    const plain = await fetch(server.baseUrl + authorizeUrl(params({ code_challenge: verifier, code_challenge_method: 'plain' })), { redirect: 'manual' });
    assert.equal(new URL(plain.headers.get('location')!).searchParams.get('error'), 'invalid_request', 'only S256');
  });

  test("a refresh token of another client is refused", async () => {
    const { code } = await obtainCode(server, new Visitor(server.baseUrl), params());
    const tokens = await exchange(code);
    const stolen = await refresh(String(tokens.body.refresh_token), other);
    assert.equal(stolen.status, 400);
    assert.equal(stolen.body.error, 'invalid_grant');
  });

  test('reusing a rotated refresh token revokes the whole grant', async () => {
    const { code } = await obtainCode(server, new Visitor(server.baseUrl), params());
    const tokens = await exchange(code);
    const rotated = await refresh(String(tokens.body.refresh_token));
    assert.equal(rotated.status, 200);
    assert.equal((await apiGet(server.baseUrl, '/api/me', String(rotated.body.access_token))).status, 200);
    const reuse = await refresh(String(tokens.body.refresh_token));
    assert.equal(reuse.body.error, 'invalid_grant');
    assert.equal((await apiGet(server.baseUrl, '/api/me', String(rotated.body.access_token))).status, 401);
    assert.equal((await refresh(String(rotated.body.refresh_token))).body.error, 'invalid_grant');
  });

  test('consent without a CSRF token, or with a wrong one, is refused and does not redirect', async () => {
    const visitor = new Visitor(server.baseUrl);
    const person = await server.createUser('carol@example.com');
    const outcome = await followAuthorization(visitor, authorizeUrl(params()), { login: { email: person.email, password: PASSWORD } });
    const action = /<form class="consent" action="([^"]+)"/.exec(outcome.page!.body)![1]!;
    const none = await visitor.post(action, { decision: 'allow' });
    assert.equal(none.status, 403);
    assert.equal(none.location, null);
    const wrong = await visitor.post(action, { decision: 'allow', _csrf: 'x'.repeat(43) });
    assert.equal(wrong.status, 403);
    // Another browser's valid token is no good either.
    const stranger = new Visitor(server.baseUrl);
    const strangerToken = csrfIn((await stranger.get('/login')).body);
    assert.equal((await visitor.post(action, { decision: 'allow', _csrf: strangerToken })).status, 403);
    // The real token still works afterwards.
    const allowed = await visitor.post(action, { decision: 'allow', _csrf: csrfIn(outcome.page!.body) });
    assert.equal(allowed.status, 303);
  });

  test('HTML in the client name and in the state is escaped on the page and the state comes back untouched', async () => {
    const evil = await server.createClient({ name: '<script>alert("name")</script> & Co', redirectUris: ['https://evil-name.example/cb'] });
    const state = '"><script>alert("state")</script>&x=<b>';
    const visitor = new Visitor(server.baseUrl);
    const outcome = await followAuthorization(
      visitor,
      authorizeUrl({ response_type: 'code', client_id: evil.client.clientId, redirect_uri: 'https://evil-name.example/cb', state, scope: '' }),
      { login: { email: server.user.email, password: PASSWORD } },
    );
    const body = outcome.page!.body;
    assert.ok(!body.includes('<script>'), 'no raw script tag');
    assert.ok(body.includes('&lt;script&gt;alert(&quot;name&quot;)&lt;/script&gt; &amp; Co'));
    const posted = await visitor.post(/<form class="consent" action="([^"]+)"/.exec(body)![1]!, { decision: 'allow', _csrf: csrfIn(body) });
    const back = await followAuthorization(visitor, posted.location!);
    assert.equal(back.redirect!.searchParams.get('state'), state);
  });

  test('an interaction page without its cookie, or with a made-up id, is an error page', async () => {
    const stranger = new Visitor(server.baseUrl);
    const response = await stranger.get('/interaction/abcdefghijklmnop');
    assert.equal(response.status, 400);
    assert.match(response.body, /expired/);
  });
});
