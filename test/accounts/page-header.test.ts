import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createUser, findUserByEmail } from '../../src/accounts/users.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { linkIn, startSmtpServer, type TestSmtpServer } from '../helpers/smtp.js';
import { Visitor, csrfIn } from './visitor.js';

const PASSWORD = 'correct horse battery staple';

/** The main navigation of a page. */
function mainNav(html: string): string {
  return /<nav aria-label="Main">([\s\S]*?)<\/nav>/.exec(html)?.[1] ?? '';
}

describe('every page: a skip link, and a header that knows who is logged in', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer({ bundledCatalog: false });
    await createUser(server.server.database.db, { email: 'hal@example.com', password: PASSWORD, name: 'Hal' });
  });
  after(async () => server?.close());

  // A page of each kind: a module's page, a form, a 404, a Larder error, oidc-provider's error page.
  const pages = ['/catalog', '/login', '/catalog/no-such-food', '/nothing-here', '/interaction/expired', '/oauth/authorize?response_type=code&client_id=lc_nobody'];

  test('logged out: Register and Log in, no Account; and the skip link', async () => {
    const visitor = new Visitor(server.baseUrl);
    for (const path of pages) {
      const page = await visitor.get(path);
      assert.match(page.headers.get('content-type') ?? '', /text\/html/, path);
      const nav = mainNav(page.body);
      assert.match(nav, /<a href="\/register">Register<\/a>/, path);
      assert.match(nav, /<a href="\/login">Log in<\/a>/, path);
      assert.doesNotMatch(nav, /Account|Log out/, path);
      assert.match(page.body, /<body>\s*<a class="skip-link" href="#main">Skip to content<\/a>/, path);
      assert.match(page.body, /<main id="main" tabindex="-1">/, path);
    }
  });

  test('logged in: Diary, Account and a Log out button whose form works', async () => {
    const visitor = new Visitor(server.baseUrl);
    await visitor.logIn('hal@example.com', PASSWORD);
    for (const path of [...pages, '/account', '/diary']) {
      const page = await visitor.get(path);
      const nav = mainNav(page.body);
      assert.match(nav, /<a href="\/account">Account<\/a>/, path);
      assert.match(nav, /<a href="\/diary">Diary<\/a>/, path);
      assert.match(nav, /<form class="nav-form" action="\/logout" method="post">\s*<input type="hidden" name="_csrf" value="[^"]+">\s*<button type="submit" class="link-button">Log out<\/button>/, path);
      assert.doesNotMatch(nav, /Register/, path);
    }
    const fromA404 = await visitor.get('/nothing-here');
    const out = await visitor.post('/logout', { _csrf: csrfIn(mainNav(fromA404.body)) });
    assert.equal(out.status, 303);
    assert.equal(out.location, '/login?logged_out=1');
    assert.equal((await visitor.get('/account')).status, 303, 'logged out');
  });
});

describe('registration takes the time zone the browser reported', () => {
  test('without mail: a valid zone is kept, anything else is UTC', async () => {
    const server = await startTestServer({ bundledCatalog: false });
    try {
      const db = server.server.database.db;
      for (const [email, zone, kept] of [
        ['ida@example.com', 'Asia/Tokyo', 'Asia/Tokyo'],
        ['jo@example.com', 'Mars/Olympus_Mons', 'UTC'],
        ['kim@example.com', '', 'UTC'],
        ['lou@example.com', '<script>', 'UTC'],
      ] as const) {
        const visitor = new Visitor(server.baseUrl);
        const _csrf = await visitor.csrfFrom('/register');
        assert.equal((await visitor.post('/register', { _csrf, name: 'Someone', email, password: PASSWORD, time_zone: zone })).status, 303);
        assert.equal((await findUserByEmail(db, email))?.timeZone, kept, email);
      }
      const form = await new Visitor(server.baseUrl).get('/register');
      assert.match(form.body, /<input type="hidden" name="time_zone" value="" data-browser-time-zone>/);
      assert.match(form.body, /<script src="\/assets\/larder\.js" defer><\/script>/);
      const script = await fetch(`${server.baseUrl}/assets/larder.js`);
      assert.equal(script.status, 200);
      assert.match(script.headers.get('content-type') ?? '', /^text\/javascript/);
      assert.match(await script.text(), /resolvedOptions\(\)\.timeZone/);
    } finally {
      await server.close();
    }
  });

  test('with mail: the zone travels with the confirmation link', async () => {
    const smtp: TestSmtpServer = await startSmtpServer();
    const server = await startTestServer({ bundledCatalog: false, env: { SMTP_URL: smtp.url } });
    try {
      const visitor = new Visitor(server.baseUrl);
      const _csrf = await visitor.csrfFrom('/register');
      await visitor.post('/register', { _csrf, name: 'Max', email: 'max@example.com', password: PASSWORD, time_zone: 'Australia/Hobart' });
      const link = new URL(linkIn(await smtp.waitFor('max@example.com', /Finish creating your Larder account/)));
      const confirm = await visitor.get(link.pathname + link.search);
      const done = await visitor.post('/register/confirm', { _csrf: csrfIn(confirm.body), token: link.searchParams.get('token')! });
      assert.equal(done.status, 303);
      assert.equal((await findUserByEmail(server.server.database.db, 'max@example.com'))?.timeZone, 'Australia/Hobart');
    } finally {
      await server.close();
      await smtp.close();
    }
  });
});
