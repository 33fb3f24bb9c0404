import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { sessionIdFor } from '../../src/accounts/session.js';
import { createUser, findUserByEmail } from '../../src/accounts/users.js';
import type { Db } from '../../src/db/index.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { csrfIn, inputValue, Visitor } from './visitor.js';

const PASSWORD = 'correct horse battery staple';

async function countRows(db: Db, table: 'users' | 'sessions' | 'login_attempts'): Promise<number> {
  const row = await db.selectFrom(table).select((eb) => eb.fn.countAll<string | number>().as('n')).executeTakeFirstOrThrow();
  return Number(row.n);
}

describe('log-in safety', () => {
  let server: TestServer;
  let db: Db;
  before(async () => {
    server = await startTestServer({ bundledCatalog: false });
    db = server.server.database.db;
    await createUser(db, { email: 'ann@example.com', password: PASSWORD, name: 'Ann' });
  });
  after(async () => {
    await server?.close();
  });

  test('a wrong password and an unknown email get the identical answer', async () => {
    const visitor = new Visitor(server.baseUrl);
    const csrf = await visitor.csrfFrom('/login');
    const wrongPassword = await visitor.post('/login', { _csrf: csrf, email: 'ann@example.com', password: 'not the password' });
    const unknownEmail = await visitor.post('/login', { _csrf: csrf, email: 'nobody@example.com', password: PASSWORD });
    assert.equal(wrongPassword.status, 400);
    assert.equal(unknownEmail.status, wrongPassword.status);
    const withoutEmail = (html: string) => html.replace(/name="email" type="email" value="[^"]*"/, 'EMAIL');
    assert.equal(withoutEmail(unknownEmail.body), withoutEmail(wrongPassword.body));
    assert.match(wrongPassword.body, /That email and password do not match an account/);
    assert.deepEqual(unknownEmail.setCookies, wrongPassword.setCookies);
    assert.equal(visitor.cookies.has('larder_session'), false);
  });

  test('the session cookie is HttpOnly, SameSite=Lax, Path=/ and not Secure over http', async () => {
    const visitor = new Visitor(server.baseUrl);
    const login = await visitor.logIn('ann@example.com', PASSWORD);
    const cookie = login.setCookies.find((c) => c.startsWith('larder_session='));
    assert.ok(cookie, 'a session cookie is set');
    assert.match(cookie, /; HttpOnly/i);
    assert.match(cookie, /; SameSite=Lax/i);
    assert.match(cookie, /; Path=\//);
    assert.match(cookie, /; Max-Age=1209600/);
    assert.doesNotMatch(cookie, /; Secure/i);
  });

  test('the session is stored under the SHA-256 of the cookie, never the cookie value itself', async () => {
    const visitor = new Visitor(server.baseUrl);
    await visitor.logIn('ann@example.com', PASSWORD);
    const token = visitor.cookies.get('larder_session') ?? '';
    assert.match(token, /^[A-Za-z0-9_-]{43}$/);
    assert.equal(await db.selectFrom('sessions').select('id').where('id', '=', token).executeTakeFirst(), undefined);
    assert.ok(await db.selectFrom('sessions').select('id').where('id', '=', sessionIdFor(token)).executeTakeFirst());
  });

  test('logging in replaces the session id the browser had, planted or real', async () => {
    const visitor = new Visitor(server.baseUrl);
    const planted = 'A'.repeat(43);
    visitor.cookies.set('larder_session', planted);
    await visitor.logIn('ann@example.com', PASSWORD);
    const first = visitor.cookies.get('larder_session');
    assert.ok(first && first !== planted);

    // Logging in again from the same browser: a new id, and the old one stops working.
    await visitor.logIn('ann@example.com', PASSWORD);
    const second = visitor.cookies.get('larder_session');
    assert.ok(second && second !== first);
    assert.equal(await db.selectFrom('sessions').select('id').where('id', '=', sessionIdFor(first)).executeTakeFirst(), undefined);
    const stale = new Visitor(server.baseUrl);
    stale.cookies.set('larder_session', first);
    assert.equal((await stale.get('/account')).status, 303);
    assert.equal((await visitor.get('/account')).status, 200);
  });

  test('with an https APP_URL every cookie is Secure', async (t) => {
    const secure = await startTestServer({ bundledCatalog: false, env: { APP_URL: 'https://larder.example.com' } });
    t.after(() => secure.close());
    const app = secure.server.app;
    const page = await app.inject({ method: 'GET', url: '/register' });
    const csrfCookie = String(page.headers['set-cookie']);
    assert.match(csrfCookie, /larder_csrf=[^;]+;.*Secure/);
    const register = await app.inject({
      method: 'POST',
      url: '/register',
      headers: { cookie: page.cookies.map((c) => `${c.name}=${c.value}`).join('; '), 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({ _csrf: csrfIn(page.body), name: 'Sec', email: 'sec@example.com', password: PASSWORD }).toString(),
    });
    assert.equal(register.statusCode, 303);
    const session = register.cookies.find((c) => c.name === 'larder_session');
    assert.equal(session?.secure, true);
    assert.equal(session?.httpOnly, true);
    assert.equal(session?.sameSite, 'Lax');
  });
});

describe('cross-site request forgery', () => {
  let server: TestServer;
  let db: Db;
  before(async () => {
    server = await startTestServer({ bundledCatalog: false });
    db = server.server.database.db;
    await createUser(db, { email: 'ann@example.com', password: PASSWORD, name: 'Ann' });
  });
  after(async () => {
    await server?.close();
  });

  const registration = { name: 'Mallory Victim', email: 'forged@example.com', password: PASSWORD };

  test('registering without a CSRF token is refused with 403 and creates no account', async () => {
    const visitor = new Visitor(server.baseUrl);
    await visitor.get('/register');
    const response = await visitor.post('/register', registration);
    assert.equal(response.status, 403);
    assert.match(response.body, /Nothing was changed/);
    assert.equal(await findUserByEmail(db, registration.email), undefined);
    assert.equal(visitor.cookies.has('larder_session'), false);
  });

  test('registering with a wrong token, or a token without its cookie, is refused with 403', async () => {
    const visitor = new Visitor(server.baseUrl);
    const real = await visitor.csrfFrom('/register');
    const wrong = await visitor.post('/register', { ...registration, _csrf: real.slice(0, -2) + (real.endsWith('AA') ? 'BB' : 'AA') });
    assert.equal(wrong.status, 403);
    const cookieless = new Visitor(server.baseUrl);
    const stolen = await cookieless.post('/register', { ...registration, _csrf: real });
    assert.equal(stolen.status, 403);
    assert.equal(await findUserByEmail(db, registration.email), undefined);
  });

  test('an attacker\'s own valid token pair does not work with the victim\'s cookie', async () => {
    const attacker = new Visitor(server.baseUrl);
    const attackerToken = await attacker.csrfFrom('/login');
    const victim = new Visitor(server.baseUrl);
    await victim.get('/login');
    const response = await victim.post('/login', { _csrf: attackerToken, email: 'ann@example.com', password: PASSWORD });
    assert.equal(response.status, 403);
    assert.equal(victim.cookies.has('larder_session'), false);
  });

  test('logging in without or with a wrong token is refused with 403: no session, no failure counted', async () => {
    const visitor = new Visitor(server.baseUrl);
    await visitor.get('/login');
    const before = await countRows(db, 'sessions');
    const missing = await visitor.post('/login', { email: 'ann@example.com', password: PASSWORD });
    assert.equal(missing.status, 403);
    const wrong = await visitor.post('/login', { _csrf: 'x'.repeat(43), email: 'ann@example.com', password: 'wrong password!' });
    assert.equal(wrong.status, 403);
    assert.equal(visitor.cookies.has('larder_session'), false);
    assert.equal(await countRows(db, 'sessions'), before);
    assert.equal(await countRows(db, 'login_attempts'), 0);
  });

  test('logging out without the session\'s token is refused and the session stays', async () => {
    const victim = new Visitor(server.baseUrl);
    await victim.logIn('ann@example.com', PASSWORD);
    const missing = await victim.post('/logout', {});
    assert.equal(missing.status, 403);
    // A token minted for a visitor (not this session) is not enough either.
    const visitorToken = await new Visitor(server.baseUrl).csrfFrom('/login');
    const wrong = await victim.post('/logout', { _csrf: visitorToken });
    assert.equal(wrong.status, 403);
    assert.equal((await victim.get('/account')).status, 200);
  });

  test('the CSRF cookie is HttpOnly and SameSite=Lax', async () => {
    const page = await new Visitor(server.baseUrl).get('/login');
    const cookie = page.setCookies.find((c) => c.startsWith('larder_csrf='));
    assert.ok(cookie);
    assert.match(cookie, /; HttpOnly/i);
    assert.match(cookie, /; SameSite=Lax/i);
    assert.match(cookie, /; Path=\//);
  });
});

describe('return_to is never a way off the site', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer({ bundledCatalog: false });
    await createUser(server.server.database.db, { email: 'ann@example.com', password: PASSWORD });
  });
  after(async () => {
    await server?.close();
  });

  const attempts = ['//evil.com', 'https://evil.com', '/\\evil.com', 'javascript:alert(1)', '/\t/evil.com', '\\\\evil.com', 'http:/evil.com', '///evil.com'];

  for (const returnTo of attempts) {
    test(`${JSON.stringify(returnTo)} is ignored on the pages and after log-in and registration`, async () => {
      const visitor = new Visitor(server.baseUrl);
      const page = await visitor.get(`/login?return_to=${encodeURIComponent(returnTo)}`);
      assert.equal(inputValue(page.body, 'return_to'), '');
      assert.match(page.body, /href="\/register"/);
      assert.doesNotMatch(page.body, /evil\.com/);
      const register = await visitor.get(`/register?return_to=${encodeURIComponent(returnTo)}`);
      assert.equal(inputValue(register.body, 'return_to'), '');

      const login = await visitor.logIn('ann@example.com', PASSWORD, { return_to: returnTo });
      assert.equal(login.status, 303);
      assert.equal(login.location, '/account');
      const fresh = new Visitor(server.baseUrl);
      const email = `r${attempts.indexOf(returnTo)}@example.com`;
      const registered = await fresh.register({ name: 'R', email, password: PASSWORD, return_to: returnTo });
      assert.equal(registered.location, '/account');
    });
  }
});

describe('log-in rate limiting', () => {
  let server: TestServer;
  let db: Db;
  before(async () => {
    server = await startTestServer({ bundledCatalog: false });
    db = server.server.database.db;
    await createUser(db, { email: 'ann@example.com', password: PASSWORD });
  });
  after(async () => {
    await server?.close();
  });

  test('after 5 failures for one account, log-in is paused with 429 even with the right password', async () => {
    const visitor = new Visitor(server.baseUrl);
    const csrf = await visitor.csrfFrom('/login');
    for (let i = 0; i < 5; i++) {
      const failure = await visitor.post('/login', { _csrf: csrf, email: 'ann@example.com', password: `wrong password ${i}` });
      assert.equal(failure.status, 400, `attempt ${i + 1}`);
    }
    const locked = await visitor.post('/login', { _csrf: csrf, email: 'ANN@example.com', password: PASSWORD });
    assert.equal(locked.status, 429);
    assert.match(locked.body, /Too many failed log-in attempts/);
    assert.match(locked.body, /try again in 15 minutes/);
    assert.ok(Number(locked.headers.get('retry-after')) > 800);
    assert.equal(inputValue(locked.body, 'email'), 'ANN@example.com', 'the email typed is kept');
    assert.equal(visitor.cookies.has('larder_session'), false);
  });

  test('an unknown email is locked the same way, so the lock reveals nothing', async () => {
    const visitor = new Visitor(server.baseUrl);
    const csrf = await visitor.csrfFrom('/login');
    for (let i = 0; i < 5; i++) await visitor.post('/login', { _csrf: csrf, email: 'ghost@example.com', password: `wrong password ${i}` });
    assert.equal((await visitor.post('/login', { _csrf: csrf, email: 'ghost@example.com', password: PASSWORD })).status, 429);
  });

  test('after 20 failures from one address, every account is paused for that address', async () => {
    // The earlier tests in this block already counted 10 failures against 127.0.0.1.
    const visitor = new Visitor(server.baseUrl);
    const csrf = await visitor.csrfFrom('/login');
    await createUser(db, { email: 'bea@example.com', password: PASSWORD });
    for (let i = 0; i < 10; i++) {
      const failure = await visitor.post('/login', { _csrf: csrf, email: `guess${i}@example.com`, password: 'wrong password' });
      assert.equal(failure.status, 400, `attempt ${i + 1}`);
    }
    const locked = await visitor.post('/login', { _csrf: csrf, email: 'bea@example.com', password: PASSWORD });
    assert.equal(locked.status, 429);
  });
});
