import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { sessionIdFor } from '../../src/accounts/session.js';
import { createUser, findUserByEmail } from '../../src/accounts/users.js';
import type { Db } from '../../src/db/index.js';
import { runCli } from '../../src/cli/main.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { csrfIn, inputValue, Visitor } from './visitor.js';

const PASSWORD = 'correct horse battery staple';

async function countRows(db: Db, table: 'users' | 'sessions' | 'rate_limits'): Promise<number> {
  const row = await db.selectFrom(table).select((eb) => eb.fn.countAll<string | number>().as('n')).executeTakeFirstOrThrow();
  return Number(row.n);
}

/** A server without the catalog, and Ann with her password. */
async function serverWithAnn(): Promise<{ server: TestServer; db: Db }> {
  const server = await startTestServer({ bundledCatalog: false });
  const db = server.server.database.db;
  await createUser(db, { email: 'ann@example.com', password: PASSWORD, name: 'Ann' });
  return { server, db };
}

describe('log-in safety', () => {
  let server: TestServer;
  let db: Db;
  before(async () => {
    ({ server, db } = await serverWithAnn());
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
    const loginPage = await app.inject({ method: 'GET', url: '/login', headers: { cookie: page.cookies.map((c) => `${c.name}=${c.value}`).join('; ') } });
    const login = await app.inject({
      method: 'POST',
      url: '/login',
      headers: { cookie: page.cookies.map((c) => `${c.name}=${c.value}`).join('; '), 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({ _csrf: csrfIn(loginPage.body), email: 'sec@example.com', password: PASSWORD }).toString(),
    });
    assert.equal(login.statusCode, 303);
    for (const name of ['larder_session', 'larder_device']) {
      const cookie = login.cookies.find((c) => c.name === name);
      assert.equal(cookie?.secure, true, name);
      assert.equal(cookie?.httpOnly, true, name);
      assert.equal(cookie?.sameSite, 'Lax', name);
    }
  });
});

describe('cross-site request forgery', () => {
  let server: TestServer;
  let db: Db;
  before(async () => {
    ({ server, db } = await serverWithAnn());
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
    assert.equal(await countRows(db, 'rate_limits'), 0);
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
      assert.equal(registered.location, '/login?registered=1');
    });
  }
});

describe('log-in throttling never locks the owner out', () => {
  let server: TestServer;
  let db: Db;
  before(async () => {
    // Behind a proxy on loopback, so each attacker request can come from its own address.
    server = await startTestServer({ bundledCatalog: false, env: { TRUST_PROXY: 'loopback' } });
    db = server.server.database.db;
    await createUser(db, { email: 'ann@example.com', password: PASSWORD });
  });
  after(async () => {
    await server?.close();
  });

  /** A browser whose requests the proxy forwards from `address`. */
  function browserAt(address: string): Visitor {
    const visitor = new Visitor(server.baseUrl);
    visitor.headers['x-forwarded-for'] = address;
    return visitor;
  }

  test('the owner on a browser they logged in with before gets in while an attacker hammers the account; the attacker is refused', async () => {
    const owner = browserAt('192.0.2.10');
    assert.equal((await owner.logIn('ann@example.com', PASSWORD)).status, 303);
    assert.ok(owner.cookies.has('larder_device'), 'a known-browser cookie is set at log-in');
    await owner.post('/logout', { _csrf: await owner.csrfFrom('/account') });

    // An attacker spreads 40 guesses over many addresses (past the per-address limit too).
    let refused = 0;
    let lastRetryAfter = 0;
    for (let i = 0; i < 40; i++) {
      const attacker = browserAt(`203.0.113.${i + 1}`);
      const response = await attacker.logIn('ann@example.com', `guess number ${i}`);
      if (response.status === 429) {
        refused++;
        lastRetryAfter = Number(response.headers.get('retry-after'));
        assert.match(response.body, /Log-in from here is paused/);
      } else assert.equal(response.status, 400);
    }
    assert.equal(refused, 40 - 5, 'after 5 guesses from unfamiliar browsers every further one is refused');
    assert.ok(lastRetryAfter > 800 && lastRetryAfter <= 900, `Retry-After ${lastRetryAfter}`);
    // Even the right password from an unfamiliar browser waits: the attacker cannot tell.
    assert.equal((await browserAt('203.0.113.200').logIn('ann@example.com', PASSWORD)).status, 429);

    // The owner's browser is known to the account: in, at once.
    const login = await owner.logIn('ann@example.com', PASSWORD);
    assert.equal(login.status, 303);
    assert.equal(login.location, '/account');
    assert.equal((await owner.get('/account')).status, 200);
  });

  test('larder users:unlock lets the owner in from a new browser at once', async () => {
    const newBrowser = browserAt('198.51.100.50');
    assert.equal((await newBrowser.logIn('ann@example.com', PASSWORD)).status, 429);
    const out: string[] = [];
    const err: string[] = [];
    const code = await runCli(['users:unlock', 'ANN@example.com'], { out: (t) => out.push(t), err: (t) => err.push(t), isTerminal: false }, process.stdin, {
      NODE_ENV: 'test',
      DATABASE_URL: server.database.url,
      LARDER_STORAGE: server.config.storageDir,
    });
    assert.equal(code, 0, err.join('\n'));
    assert.match(out.join('\n'), /Log-in throttling cleared for ann@example\.com/);
    assert.equal((await newBrowser.logIn('ann@example.com', PASSWORD)).status, 303);
    const unknown = await runCli(['users:unlock', 'nobody@example.com'], { out: () => undefined, err: (t) => err.push(t), isTerminal: false }, process.stdin, {
      NODE_ENV: 'test',
      DATABASE_URL: server.database.url,
      LARDER_STORAGE: server.config.storageDir,
    });
    assert.equal(unknown, 1);
  });

  test('one address spraying many accounts is refused after 30 attempts; a forged known-browser cookie changes nothing', async () => {
    const sprayer = browserAt('198.51.100.99');
    sprayer.cookies.set('larder_device', `usr_${'A'.repeat(22)}.${'B'.repeat(22)}.${'C'.repeat(43)}`);
    const statuses: number[] = [];
    for (let i = 0; i < 32; i++) statuses.push((await sprayer.logIn(`person${i}@example.com`, 'Summer2026!!')).status);
    assert.deepEqual(statuses.slice(0, 30), Array(30).fill(400));
    assert.deepEqual(statuses.slice(30), [429, 429]);
  });
});
