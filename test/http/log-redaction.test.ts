import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import net from 'node:net';
import { after, before, describe, test } from 'node:test';
import { sql } from 'kysely';
import { openDatabase } from '../../src/db/index.js';
import { redactUrl, scrub } from '../../src/log.js';
import { createClient } from '../../src/oauth/clients.js';
import { Visitor, csrfIn } from '../accounts/visitor.js';
import { GPT_CALLBACK, answerConsent, authorizeUrl, basicAuth, followAuthorization, postForm, postJson } from '../oauth/oauth-helpers.js';
import { startLarderProcess, type LarderProcess } from './larder-process.js';

/** Every text a log line holds, with the bytes of serialized Buffers decoded as well. */
function textsOf(line: string): string {
  const parts = [line];
  const walk = (value: unknown): void => {
    if (Array.isArray(value)) value.forEach(walk);
    else if (value && typeof value === 'object') {
      const record = value as Record<string, unknown>;
      if (record.type === 'Buffer' && Array.isArray(record.data)) parts.push(Buffer.from(record.data as number[]).toString('latin1'));
      Object.values(record).forEach(walk);
    }
  };
  try {
    walk(JSON.parse(line));
  } catch {
    // not JSON: the line itself is the text
  }
  return parts.join('\n');
}

describe('what Larder logs across a whole sign-in never holds a secret', () => {
  let larder: LarderProcess;
  let clientId: string;
  let clientSecret: string;
  /** Every secret the flow handles, by what it is. */
  const secrets = new Map<string, string>();
  const remember = (what: string, value: string | undefined | null) => {
    assert.ok(value && value.length >= 8, `${what} is a real value`);
    secrets.set(value, what);
  };

  before(async () => {
    larder = await startLarderProcess({
      // trace: the most a log can say (Fastify's own client-error lines included).
      env: { LOG_LEVEL: 'trace' },
      prepare: async (database) => {
        const created = await createClient(database.db, { name: 'Log test GPT', redirectUris: [GPT_CALLBACK], scopes: ['foods:read', 'diary:read', 'diary:write', 'profile'] });
        clientId = created.client.clientId;
        clientSecret = created.clientSecret!;
      },
    });
    remember('client secret', clientSecret);

    const base = larder.baseUrl;
    const visitor = new Visitor(base);
    const email = `logs-${randomBytes(4).toString('hex')}@example.com`;
    const password = `pw-${randomBytes(12).toString('base64url')}`;
    remember('password', password);

    // Register in one browser; sign in from another (the GPT's sign-in window), logged out.
    const registrar = new Visitor(base);
    const registered = await registrar.register({ name: 'Log Tester', email, password });
    assert.equal(registered.status, 303, 'registered');
    for (const [name, value] of registrar.cookies) remember(`registering browser's cookie ${name}`, value);

    // Authorize (with PKCE and a state) -> /login: a wrong password first, then the right one.
    const verifier = randomBytes(32).toString('base64url');
    remember('PKCE code verifier', verifier);
    const state = randomBytes(12).toString('base64url');
    remember('state', state);
    const params = {
      response_type: 'code',
      client_id: clientId,
      redirect_uri: GPT_CALLBACK,
      state,
      scope: '',
      code_challenge: createHash('sha256').update(verifier).digest('base64url'),
      code_challenge_method: 'S256',
    };
    const atLogin = await followAuthorization(visitor, authorizeUrl(params));
    assert.match(atLogin.page?.body ?? '', /name="password"/, `at the log-in page: ${atLogin.trail.join(' -> ')}`);
    const returnTo = new URL(atLogin.trail.at(-1)!).searchParams.get('return_to') ?? '';
    const loginCsrf = csrfIn(atLogin.page!.body);
    const wrong = await visitor.post('/login', { _csrf: loginCsrf, email, password: `${password}-wrong`, return_to: returnTo });
    assert.equal(wrong.status, 400);
    remember('wrong password', `${password}-wrong`);
    const right = await visitor.post('/login', { _csrf: csrfIn(wrong.body), email, password, return_to: returnTo });
    assert.equal(right.status, 303);
    let outcome = await followAuthorization(visitor, right.location!);
    assert.match(outcome.page?.body ?? '', /class="consent"/, 'consent page');
    outcome = await answerConsent(visitor, outcome.page!, 'allow', outcome.trail);
    const code = outcome.redirect?.searchParams.get('code');
    remember('authorization code', code);
    for (const [name, value] of visitor.cookies) if (!name.startsWith('_larder_interaction')) remember(`cookie ${name}`, value);

    // Tokens: the code with the secret in the body; a refresh as JSON with HTTP Basic.
    const tokens = await postForm(base, '/oauth/token', { grant_type: 'authorization_code', code: code!, redirect_uri: GPT_CALLBACK, client_id: clientId, client_secret: clientSecret, code_verifier: verifier });
    assert.equal(tokens.status, 200, JSON.stringify(tokens.body));
    remember('access token', String(tokens.body.access_token));
    remember('refresh token', String(tokens.body.refresh_token));
    const basic = basicAuth(clientId, clientSecret);
    remember('Basic credentials', basic.slice('Basic '.length));
    const refreshed = await postJson(base, '/oauth/token', { grant_type: 'refresh_token', refresh_token: String(tokens.body.refresh_token) }, { authorization: basic });
    assert.equal(refreshed.status, 200, JSON.stringify(refreshed.body));
    const accessToken = String(refreshed.body.access_token);
    remember('refreshed access token', accessToken);
    remember('rotated refresh token', String(refreshed.body.refresh_token));

    // The API, rightly and wrongly: a token in the query string is refused, and must not be logged.
    const bearer = { authorization: `Bearer ${accessToken}` };
    assert.equal((await fetch(`${base}/api/me`, { headers: bearer })).status, 200);
    assert.equal((await fetch(`${base}/api/diary`, { headers: bearer })).status, 200);
    assert.equal((await fetch(`${base}/api/diary/summary?date=2026-01-01`, { headers: bearer })).status, 200);
    assert.equal((await fetch(`${base}/api/me?access_token=${accessToken}`)).status, 401);
    assert.equal((await fetch(`${base}/api/me`, { headers: { authorization: `Bearer ${accessToken}x` } })).status, 401);
    const introspected = await postForm(base, '/oauth/introspect', { token: accessToken }, { authorization: basic });
    assert.equal(introspected.body.active, true);

    // A malformed request carrying credentials: Node's parser error holds the raw bytes.
    await new Promise<void>((resolve) => {
      const socket = net.connect(Number(new URL(base).port), '127.0.0.1');
      socket.on('error', () => resolve());
      socket.on('close', () => resolve());
      socket.resume();
      socket.end(`GET /api/me HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${accessToken}\r\nCookie: larder_session=${visitor.cookies.get('larder_session')}\r\nBroken header line\r\n\r\n`);
    });

    // Revoke the refresh token (RFC 7009): the token travels in the body.
    const revoked = await postForm(base, '/oauth/revoke', { token: String(refreshed.body.refresh_token), token_type_hint: 'refresh_token', client_id: clientId, client_secret: clientSecret });
    assert.equal(revoked.status, 200);

    // The database fails under the provider (its token table is gone for a moment): a server_error.
    const database = await openDatabase(larder.database.config);
    try {
      await sql`ALTER TABLE oauth_models RENAME TO oauth_models_away`.execute(database.db);
      const failed = await postForm(base, '/oauth/token', { grant_type: 'refresh_token', refresh_token: String(tokens.body.refresh_token) }, { authorization: basic });
      assert.equal(failed.status, 500);
      assert.equal(failed.body.error, 'server_error');
    } finally {
      await sql`ALTER TABLE oauth_models_away RENAME TO oauth_models`.execute(database.db);
      await database.close();
    }

    // The last request: once it is logged, everything before it is too.
    const marker = randomBytes(6).toString('hex');
    await fetch(`${base}/health?done=${marker}`);
    const incoming = JSON.parse(await larder.waitForLine((line) => line.includes(marker))) as { request_id: string };
    await larder.waitForLine((line) => line.includes(`"request_id":"${incoming.request_id}"`) && line.includes('request completed'));
  });
  after(async () => larder?.close());

  test('no log line holds a token, code, secret, password, cookie or Authorization value, nested or as raw bytes', () => {
    assert.ok(larder.stdout.length > 30, `the flow was logged (${larder.stdout.length} lines)`);
    const leaks: string[] = [];
    for (const line of [...larder.stdout, ...larder.stderr]) {
      const text = textsOf(line);
      for (const [secret, what] of secrets) if (text.includes(secret)) leaks.push(`${what} in: ${line.slice(0, 400)}`);
    }
    assert.deepEqual(leaks, []);
  });

  test('everything goes through the logger: JSON lines on stdout, nothing on the console', () => {
    for (const line of larder.stdout) assert.doesNotThrow(() => JSON.parse(line), `not a JSON log line: ${line.slice(0, 300)}`);
    assert.deepEqual(larder.stderr, []);
  });

  test("the provider's server_error is logged once, at error level, with the request id and the cause", () => {
    const errors = larder.stdout.map((line) => JSON.parse(line) as Record<string, unknown>).filter((entry) => entry.msg === 'OAuth request failed');
    assert.equal(errors.length, 1, JSON.stringify(errors));
    const [entry] = errors as Array<{ level: number; request_id?: string; oauthRoute?: string; err?: { message?: string } }>;
    assert.equal(entry!.level, 50);
    assert.ok(entry!.request_id, 'carries the request id');
    assert.equal(entry!.oauthRoute, 'token');
    assert.match(entry!.err?.message ?? '', /oauth_models/);
  });

  test('the wrong password and the refused tokens are not errors in the log', () => {
    const errorLines = larder.stdout.filter((line) => (JSON.parse(line) as { level: number }).level >= 50);
    assert.equal(errorLines.length, 1, errorLines.join('\n'));
  });
});

describe('log scrubbing reaches nested fields', () => {
  test('an error carrying a request, a querystring and a body loses every secret and keeps its error code', () => {
    const error = Object.assign(new Error('GET /cb?code=SplxlOBeZQQYbYS6WxSbIA&state=xyz failed with Bearer mF_9.B5f-4.1JqM'), {
      code: 'ECONNRESET',
      request: {
        url: '/oauth/token?refresh_token=tGzv3JOkF0XG5Qx2TlKWIA',
        headers: { authorization: 'Basic czZCaGRSa3F0MzpnWDFmQmF0M2JW', cookie: 'larder_session=abc123abc123', 'user-agent': 'curl/8' },
        body: { grant_type: 'authorization_code', code: 'SplxlOBeZQQYbYS6WxSbIA', client_secret: 'gX1fBat3bV', nested: { password: 'hunter2hunter2' } },
      },
      rawPacket: Buffer.from('POST /oauth/token HTTP/1.1\r\nAuthorization: Bearer mF_9.B5f-4.1JqM\r\n'),
    });
    const text = JSON.stringify(scrub({ err: error, query: { access_token: '2YotnFZFEjr1zCsicMWpAA' } }));
    for (const secret of ['SplxlOBeZQQYbYS6WxSbIA', 'xyz&', 'mF_9.B5f-4.1JqM', 'tGzv3JOkF0XG5Qx2TlKWIA', 'czZCaGRSa3F0MzpnWDFmQmF0M2JW', 'abc123abc123', 'gX1fBat3bV', 'hunter2hunter2', '2YotnFZFEjr1zCsicMWpAA']) {
      assert.ok(!text.includes(secret), `${secret} leaked: ${text}`);
    }
    assert.match(text, /"code":"ECONNRESET"/);
    assert.match(text, /"user-agent":"curl\/8"/);
    assert.match(text, /"rawPacket":"\[\d+ bytes\]"/);
  });

  test('URLs keep their harmless parameters and lose the secret ones', () => {
    assert.equal(redactUrl('/oauth/authorize?client_id=c1&code=abc&state=s&id_token_hint=x.y.z&scope=profile'), '/oauth/authorize?client_id=c1&code=%5Bredacted%5D&state=%5Bredacted%5D&id_token_hint=%5Bredacted%5D&scope=profile');
  });
});
