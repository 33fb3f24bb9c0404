import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import { findUserByEmail } from '../../src/accounts/users.js';
import { runCli } from '../../src/cli/main.js';
import { uniqueAddress } from '../helpers/redis.js';
import { startSmtpServer, linkIn, type TestSmtpServer } from '../helpers/smtp.js';
import type { TestServer } from '../helpers/server.js';
import { apiGet, issueApiToken, startOAuthTestServer, type OAuthTestServer } from '../oauth/oauth-helpers.js';
import { csrfIn, inputValue, Visitor } from './visitor.js';

const PASSWORD = 'correct horse battery staple';
const NEW_PASSWORD = 'a brand new passphrase';

async function larder(server: TestServer, args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(args, { out: (t) => out.push(t), err: (t) => err.push(t), isTerminal: false }, Readable.from([]), {
    NODE_ENV: 'test',
    DATABASE_URL: server.database.url,
    LARDER_STORAGE: server.config.storageDir,
    APP_URL: server.config.appUrl,
  });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

async function resetWith(visitor: Visitor, link: string, password: string) {
  const url = new URL(link);
  const page = await visitor.get(url.pathname + url.search);
  assert.equal(page.status, 200, page.body.slice(0, 300));
  return visitor.post('/reset', { _csrf: csrfIn(page.body), token: inputValue(page.body, 'token') ?? '', password });
}

describe('password reset without mail: larder users:reset-link', () => {
  let server: OAuthTestServer;
  before(async () => {
    server = await startOAuthTestServer({ TRUST_PROXY: 'loopback' });
  });
  after(async () => {
    await server?.close();
  });

  test('the printed link sets a new password once, ends every session, and leaves connected apps working', async () => {
    const { accessToken, user } = await issueApiToken(server, { email: 'rita@example.com' });
    const elsewhere = new Visitor(server.baseUrl);
    assert.equal((await elsewhere.logIn(user.email, PASSWORD)).status, 303);

    const printed = await larder(server, ['users:reset-link', 'RITA@example.com', '--json']);
    assert.equal(printed.code, 0, printed.err);
    const { link, email, expires_at } = JSON.parse(printed.out) as { link: string; email: string; expires_at: string };
    assert.equal(email, 'rita@example.com');
    assert.ok(Date.parse(expires_at) - Date.now() > 59 * 60_000 && Date.parse(expires_at) - Date.now() <= 3600_000);
    assert.match(link, new RegExp(`^${server.baseUrl}/reset\\?token=[A-Za-z0-9_-]{43}$`));
    const token = new URL(link).searchParams.get('token')!;
    assert.ok(!JSON.stringify(await server.server.database.db.selectFrom('account_tokens').selectAll().execute()).includes(token), 'stored hashed');

    const person = new Visitor(server.baseUrl);
    const weak = await resetWith(person, link, 'short');
    assert.equal(weak.status, 400);
    assert.match(weak.body, /at least 10 characters/);
    const done = await resetWith(person, link, NEW_PASSWORD);
    assert.equal(done.status, 303);
    assert.equal(done.location, '/login?reset=1');

    assert.equal((await elsewhere.get('/account')).status, 303, 'the other browser was logged out');
    assert.equal((await new Visitor(server.baseUrl).logIn(user.email, PASSWORD)).status, 400, 'the old password no longer works');
    assert.equal((await person.logIn(user.email, NEW_PASSWORD)).status, 303);
    assert.equal((await apiGet(server.baseUrl, '/api/me', accessToken)).status, 200, 'apps keep their access');

    const reuse = new Visitor(server.baseUrl);
    const url = new URL(link);
    assert.equal((await reuse.get(url.pathname + url.search)).status, 400, 'single use');
    const replay = await reuse.post('/reset', { _csrf: await reuse.csrfFrom('/login'), token, password: 'yet another passphrase' });
    assert.equal(replay.status, 400);
  });

  test('a reset lets the owner in from a new browser while an attacker keeps the account throttled', async () => {
    await server.createUser('sam@example.com');
    for (let i = 0; i < 6; i++) {
      const attacker = new Visitor(server.baseUrl);
      attacker.headers['x-forwarded-for'] = uniqueAddress();
      await attacker.logIn('sam@example.com', `guess ${i} of many`);
    }
    const owner = new Visitor(server.baseUrl);
    owner.headers['x-forwarded-for'] = uniqueAddress();
    assert.equal((await owner.logIn('sam@example.com', PASSWORD)).status, 429);
    const { out } = await larder(server, ['users:reset-link', 'sam@example.com', '--json']);
    assert.equal((await resetWith(owner, (JSON.parse(out) as { link: string }).link, NEW_PASSWORD)).status, 303);
    assert.equal((await owner.logIn('sam@example.com', NEW_PASSWORD)).status, 303);
  });

  test('an unknown email is an error; an expired link is refused; the forgot page explains what to do without mail', async () => {
    const unknown = await larder(server, ['users:reset-link', 'nobody@example.com']);
    assert.equal(unknown.code, 1);
    assert.match(unknown.err, /No account has the email nobody@example\.com/);
    assert.equal((await larder(server, ['users:reset-link'])).code, 2);

    await server.createUser('tom@example.com');
    const { out } = await larder(server, ['users:reset-link', 'tom@example.com']);
    assert.match(out, /works once/);
    const link = /https?:\/\/\S+/.exec(out)![0];
    await server.server.database.db.updateTable('account_tokens').set({ expires_at: new Date(Date.now() - 1).toISOString() }).where('email', '=', 'tom@example.com').execute();
    const url = new URL(link);
    assert.equal((await new Visitor(server.baseUrl).get(url.pathname + url.search)).status, 400);

    const forgot = await new Visitor(server.baseUrl).get('/forgot');
    assert.match(forgot.body, /larder users:reset-link/);
    assert.match((await new Visitor(server.baseUrl).get('/login')).body, /href="\/forgot"/);
  });
});

describe('/account security without mail', () => {
  let server: OAuthTestServer;
  before(async () => {
    server = await startOAuthTestServer();
  });
  after(async () => {
    await server?.close();
  });

  test('changing the password needs the current one and logs out every other browser, not this one', async () => {
    await server.createUser('uma@example.com');
    const here = new Visitor(server.baseUrl);
    const there = new Visitor(server.baseUrl);
    await here.logIn('uma@example.com', PASSWORD);
    await there.logIn('uma@example.com', PASSWORD);
    const csrf = await here.csrfFrom('/account');
    const wrong = await here.post('/account/password', { _csrf: csrf, current_password: 'not my password', new_password: NEW_PASSWORD });
    assert.equal(wrong.location, '/account?security=wrong-password#security');
    assert.match((await here.get('/account?security=wrong-password')).body, /That is not your current password/);
    assert.equal((await there.get('/account')).status, 200, 'nothing changed');

    const forged = await here.post('/account/password', { current_password: PASSWORD, new_password: NEW_PASSWORD });
    assert.equal(forged.status, 403, 'CSRF');
    const changed = await here.post('/account/password', { _csrf: csrf, current_password: PASSWORD, new_password: NEW_PASSWORD });
    assert.equal(changed.location, '/account?security=password-changed#security');
    assert.equal((await here.get('/account')).status, 200);
    assert.equal((await there.get('/account')).status, 303);
    assert.equal((await new Visitor(server.baseUrl).logIn('uma@example.com', NEW_PASSWORD)).status, 303);
  });

  test('the email changes at once after the password check; a taken one is refused', async () => {
    await server.createUser('val@example.com');
    const visitor = new Visitor(server.baseUrl);
    await visitor.logIn('val@example.com', PASSWORD);
    const csrf = await visitor.csrfFrom('/account');
    const taken = await visitor.post('/account/email', { _csrf: csrf, new_email: 'alice@example.com', current_password: PASSWORD });
    assert.equal(taken.location, '/account?security=email-taken#security');
    const changed = await visitor.post('/account/email', { _csrf: csrf, new_email: 'Val.New@example.com', current_password: PASSWORD });
    assert.equal(changed.location, '/account?security=email-changed#security');
    assert.ok(await findUserByEmail(server.server.database.db, 'val.new@example.com'));
  });

  test('"log out everywhere" ends every session, this one too, and apps keep working', async () => {
    const { accessToken, user } = await issueApiToken(server, { email: 'wyn@example.com' });
    const a = new Visitor(server.baseUrl);
    const b = new Visitor(server.baseUrl);
    await a.logIn(user.email, PASSWORD);
    await b.logIn(user.email, PASSWORD);
    const response = await a.post('/account/logout-everywhere', { _csrf: await a.csrfFrom('/account') });
    assert.equal(response.location, '/login?logged_out=everywhere');
    assert.equal((await a.get('/account')).status, 303);
    assert.equal((await b.get('/account')).status, 303);
    const sessions = await server.server.database.db.selectFrom('sessions').select('id').where('user_id', '=', user.id).execute();
    assert.deepEqual(sessions, []);
    assert.equal((await apiGet(server.baseUrl, '/api/me', accessToken)).status, 200);
  });
});

describe('with mail: forgot password and email change by link', () => {
  let server: OAuthTestServer;
  let smtp: TestSmtpServer;
  before(async () => {
    smtp = await startSmtpServer();
    server = await startOAuthTestServer({ SMTP_URL: smtp.url, TRUST_PROXY: 'loopback' });
  });
  after(async () => {
    await server?.close();
    await smtp?.close();
  });

  test('the forgot form answers the same for a known and an unknown email, and mails a working link only to the known one', async () => {
    await server.createUser('xia@example.com');
    const ask = async (email: string) => {
      const visitor = new Visitor(server.baseUrl);
      visitor.headers['x-forwarded-for'] = uniqueAddress();
      return visitor.post('/forgot', { _csrf: await visitor.csrfFrom('/forgot'), email });
    };
    const known = await ask('xia@example.com');
    const unknown = await ask('nobody-here@example.com');
    assert.equal(known.status, 200);
    assert.equal(unknown.status, known.status);
    assert.equal(known.body.replace('xia@example.com', 'E'), unknown.body.replace('nobody-here@example.com', 'E'));
    const mail = await smtp.waitFor('xia@example.com', /Choose a new Larder password/);
    await new Promise((resolve) => setTimeout(resolve, 200));
    assert.equal(smtp.messages.filter((m) => m.to.includes('nobody-here@example.com')).length, 0);
    const person = new Visitor(server.baseUrl);
    assert.equal((await resetWith(person, linkIn(mail), NEW_PASSWORD)).status, 303);
    assert.equal((await person.logIn('xia@example.com', NEW_PASSWORD)).status, 303);
  });

  test('a new email is confirmed by a link sent to it; the old address is told; nothing changes before', async () => {
    await server.createUser('yan@example.com');
    const visitor = new Visitor(server.baseUrl);
    await visitor.logIn('yan@example.com', PASSWORD);
    const requested = await visitor.post('/account/email', { _csrf: await visitor.csrfFrom('/account'), new_email: 'yan.new@example.com', current_password: PASSWORD });
    assert.equal(requested.location, '/account?security=email-sent#security');
    assert.ok(await findUserByEmail(server.server.database.db, 'yan@example.com'), 'unchanged until confirmed');
    await smtp.waitFor('yan@example.com', /about to change/);
    const link = new URL(linkIn(await smtp.waitFor('yan.new@example.com', /Confirm your new Larder email/)));
    const page = await visitor.get(link.pathname + link.search);
    const confirmed = await visitor.post('/account/email/confirm', { _csrf: csrfIn(page.body), token: link.searchParams.get('token')! });
    assert.equal(confirmed.location, '/account?security=email-changed#security');
    assert.ok(await findUserByEmail(server.server.database.db, 'yan.new@example.com'));
    assert.equal((await visitor.post('/account/email/confirm', { _csrf: await visitor.csrfFrom('/account'), token: link.searchParams.get('token')! })).status, 400);
  });
});
