import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createUser, findUserByEmail } from '../../src/accounts/users.js';
import { sessionIdFor } from '../../src/accounts/session.js';
import type { Db } from '../../src/db/index.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { inputValue, Visitor } from './visitor.js';

const PASSWORD = 'correct horse battery staple';

describe('account pages', () => {
  let server: TestServer;
  let db: Db;
  before(async () => {
    server = await startTestServer({ bundledCatalog: false });
    db = server.server.database.db;
  });
  after(async () => {
    await server?.close();
  });

  test('registering creates the account; logging in with it shows it on /account', async () => {
    const visitor = new Visitor(server.baseUrl);
    const response = await visitor.register({ name: 'Ann Example', email: 'Ann@Example.COM', password: PASSWORD });
    assert.equal(response.status, 303);
    assert.equal(response.location, '/login?registered=1');
    assert.equal(visitor.cookies.has('larder_session'), false, 'registering logs nobody in');
    assert.match((await visitor.get(response.location)).body, /If this email had no account, yours is ready/);
    assert.equal((await visitor.logIn('ann@example.com', PASSWORD)).location, '/account');
    const user = await findUserByEmail(db, 'ann@example.com');
    assert.equal(user?.email, 'ann@example.com', 'stored lower-cased');
    assert.equal(user?.plan, 'free');

    const account = await visitor.get('/account');
    assert.equal(account.status, 200);
    assert.match(account.body, /Ann Example/);
    assert.match(account.body, /ann@example\.com/);
    assert.match(account.body, /<dt>Plan<\/dt><dd>Free<\/dd>/);
    assert.match(account.body, /<h2[^>]*>Connected apps<\/h2>/);
    assert.ok((account.body.match(/<section /g) ?? []).length >= 2, 'the apps and history sections are on the page');
    assert.equal(account.headers.get('cache-control'), 'no-store');
  });

  test('a registration that fails keeps the name and email but never the password, with the message beside the field', async () => {
    const visitor = new Visitor(server.baseUrl);
    const response = await visitor.register({ name: 'Short Pass', email: 'short@example.com', password: 'tooshort' });
    assert.equal(response.status, 400);
    assert.equal(inputValue(response.body, 'name'), 'Short Pass');
    assert.equal(inputValue(response.body, 'email'), 'short@example.com');
    assert.equal(inputValue(response.body, 'password'), '');
    assert.doesNotMatch(response.body, /tooshort/);
    assert.match(response.body, /id="password-error">Use at least 10 characters/);
    assert.match(response.body, /aria-invalid="true" aria-describedby="password-hint password-error"|aria-describedby="password-hint password-error"/);
    assert.equal(await findUserByEmail(db, 'short@example.com'), undefined);
  });

  test('registering an email that already has an account answers exactly as for a new one and changes nothing', async () => {
    await createUser(db, { email: 'taken@example.com', password: PASSWORD, name: 'Taken' });
    const before = await db.selectFrom('users').selectAll().where('email', '=', 'taken@example.com').executeTakeFirstOrThrow();
    const taken = new Visitor(server.baseUrl);
    const fresh = new Visitor(server.baseUrl);
    const takenAnswer = await taken.register({ name: 'Second', email: 'TAKEN@example.com', password: 'another long password' });
    const freshAnswer = await fresh.register({ name: 'Second', email: 'untaken@example.com', password: 'another long password' });
    assert.equal(takenAnswer.status, 303);
    assert.equal(takenAnswer.status, freshAnswer.status);
    assert.equal(takenAnswer.location, freshAnswer.location);
    assert.equal(takenAnswer.body, freshAnswer.body);
    const cookieNames = (r: typeof takenAnswer) => r.setCookies.map((c) => c.split('=')[0]).sort();
    assert.deepEqual(cookieNames(takenAnswer), cookieNames(freshAnswer));
    assert.equal(taken.cookies.has('larder_session'), false);
    assert.deepEqual(await db.selectFrom('users').selectAll().where('email', '=', 'taken@example.com').executeTakeFirstOrThrow(), before, 'the account is untouched');
    assert.equal((await taken.logIn('taken@example.com', 'another long password')).status, 400, 'the registrant\'s password does not open it');
  });

  test('logging in with the right password opens a session; logging out deletes it', async () => {
    await createUser(db, { email: 'bea@example.com', password: PASSWORD, name: 'Bea' });
    const visitor = new Visitor(server.baseUrl);
    const login = await visitor.logIn('BEA@example.com ', PASSWORD);
    assert.equal(login.status, 303);
    assert.equal(login.location, '/account');
    const token = visitor.cookies.get('larder_session');
    assert.ok(token);
    assert.ok(await db.selectFrom('sessions').select('id').where('id', '=', sessionIdFor(token)).executeTakeFirst());

    const account = await visitor.get('/account');
    assert.equal(account.status, 200);
    assert.match(account.body, /Bea/);
    assert.match(account.body, /href="\/account">Account</, 'the header links to the account');

    const logout = await visitor.post('/logout', { _csrf: inputValue(account.body, '_csrf') ?? '' });
    assert.equal(logout.status, 303);
    assert.equal(logout.location, '/login?logged_out=1');
    assert.match(logout.setCookies.join('\n'), /larder_session=;/);
    assert.equal(await db.selectFrom('sessions').select('id').where('id', '=', sessionIdFor(token)).executeTakeFirst(), undefined);

    const afterLogout = await visitor.get('/account');
    assert.equal(afterLogout.status, 303);
    assert.equal(afterLogout.location, '/login?return_to=%2Faccount');
    assert.match((await visitor.get('/login?logged_out=1')).body, /You have logged out/);
  });

  test('/account sends a visitor who is not logged in to the log-in page and back', async () => {
    const visitor = new Visitor(server.baseUrl);
    const response = await visitor.get('/account');
    assert.equal(response.status, 303);
    assert.equal(response.location, '/login?return_to=%2Faccount');
    const login = await visitor.get(response.location);
    assert.equal(inputValue(login.body, 'return_to'), '/account');
    assert.match(login.body, /href="\/register\?return_to=%2Faccount"/);
  });

  test('log-in and register keep a local return_to and send the person there afterwards', async () => {
    await createUser(db, { email: 'cal@example.com', password: PASSWORD });
    const returnTo = '/interaction/abc123?step=consent';
    const visitor = new Visitor(server.baseUrl);
    const page = await visitor.get(`/login?return_to=${encodeURIComponent(returnTo)}`);
    assert.equal(inputValue(page.body, 'return_to'), '/interaction/abc123?step=consent');
    assert.match(page.body, /href="\/register\?return_to=%2Finteraction%2Fabc123%3Fstep%3Dconsent"/);
    const register = await visitor.get(`/register?return_to=${encodeURIComponent(returnTo)}`);
    assert.match(register.body, /href="\/login\?return_to=%2Finteraction%2Fabc123%3Fstep%3Dconsent"/);

    const login = await visitor.logIn('cal@example.com', PASSWORD, { return_to: returnTo });
    assert.equal(login.location, returnTo);
    const fresh = new Visitor(server.baseUrl);
    const registered = await fresh.register({ name: 'Dee', email: 'dee@example.com', password: PASSWORD, return_to: returnTo });
    assert.equal(registered.location, `/login?registered=1&return_to=${encodeURIComponent(returnTo)}`);
    const loginAfter = await fresh.get(registered.location!);
    assert.equal(inputValue(loginAfter.body, 'return_to'), returnTo);
    assert.equal((await fresh.logIn('dee@example.com', PASSWORD, { return_to: returnTo })).location, returnTo);
  });

  test('a name containing HTML is shown as text on /account, never as markup', async () => {
    const visitor = new Visitor(server.baseUrl);
    const name = '<script>alert("x")</script><img src=x onerror=alert(1)>';
    await visitor.registerAndLogIn({ name, email: 'html@example.com', password: PASSWORD });
    const account = await visitor.get('/account');
    assert.equal(account.status, 200);
    assert.doesNotMatch(account.body, /<script>alert/);
    assert.doesNotMatch(account.body, /<img src=x/);
    assert.match(account.body, /&lt;script&gt;alert\(&quot;x&quot;\)&lt;\/script&gt;&lt;img src=x onerror=alert\(1\)&gt;/);
  });

  test('the session expiry slides forward while the person keeps visiting, and the cookie is sent again', async () => {
    const visitor = new Visitor(server.baseUrl);
    await visitor.registerAndLogIn({ name: 'Eve', email: 'eve@example.com', password: PASSWORD });
    const id = sessionIdFor(visitor.cookies.get('larder_session') ?? '');
    const hourAgo = new Date(Date.now() - 3600_000).toISOString();
    const soon = new Date(Date.now() + 60_000).toISOString();
    await db.updateTable('sessions').set({ last_seen_at: hourAgo, expires_at: soon }).where('id', '=', id).execute();

    const account = await visitor.get('/account');
    assert.equal(account.status, 200);
    const row = await db.selectFrom('sessions').select(['expires_at', 'last_seen_at']).where('id', '=', id).executeTakeFirstOrThrow();
    assert.ok(Date.parse(row.expires_at) > Date.now() + 13 * 24 * 3600_000, 'about 14 days ahead again');
    assert.ok(Date.parse(row.last_seen_at) > Date.parse(hourAgo));
    assert.match(account.setCookies.join('\n'), /larder_session=[^;]+;.*Max-Age=1209600/);
  });

  test('an expired session no longer logs anyone in', async () => {
    const visitor = new Visitor(server.baseUrl);
    await visitor.registerAndLogIn({ name: 'Fay', email: 'fay@example.com', password: PASSWORD });
    const id = sessionIdFor(visitor.cookies.get('larder_session') ?? '');
    await db.updateTable('sessions').set({ expires_at: new Date(Date.now() - 1000).toISOString() }).where('id', '=', id).execute();
    const account = await visitor.get('/account');
    assert.equal(account.status, 303);
  });

  test('sections supplied by other modules are shown on /account in place of the placeholders', async (t) => {
    const { accountRoutes } = await import('../../src/accounts/routes.js');
    const Fastify = (await import('fastify')).default;
    const formbody = (await import('@fastify/formbody')).default;
    const { createViews } = await import('../../src/views/render.js');
    const app = Fastify();
    t.after(() => app.close());
    const views = createViews(undefined);
    await app.register(formbody);
    const { createRateLimiter } = await import('../../src/limits/index.js');
    await app.register(accountRoutes, {
      db,
      config: server.config,
      views,
      limiter: createRateLimiter({ db }),
      accountSections: [async (user) => `<section id="apps">Apps of ${user.email}</section>`],
    });
    await createUser(db, { email: 'sections@example.com', password: PASSWORD });
    const page = await app.inject({ method: 'GET', url: '/login' });
    const cookie = page.cookies.map((c) => `${c.name}=${c.value}`).join('; ');
    const csrf = /name="_csrf" value="([^"]+)"/.exec(page.body)?.[1] ?? '';
    const login = await app.inject({
      method: 'POST',
      url: '/login',
      headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({ _csrf: csrf, email: 'sections@example.com', password: PASSWORD }).toString(),
    });
    assert.equal(login.statusCode, 303);
    const session = login.cookies.find((c) => c.name === 'larder_session');
    const account = await app.inject({ method: 'GET', url: '/account', headers: { cookie: `larder_session=${session?.value}` } });
    assert.match(account.body, /<section id="apps">Apps of sections@example\.com<\/section>/);
    assert.doesNotMatch(account.body, /No apps are connected/);
  });
});
