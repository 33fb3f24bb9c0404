import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { loadConfig } from '../../src/config.js';
import { ConfigError } from '../../src/errors.js';
import { TOKEN_LIFETIMES } from '../../src/oauth/provider.js';
import { SCOPE_DESCRIPTIONS } from '../../src/oauth/scopes.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

const page = async (url: string) => {
  const response = await fetch(url, { redirect: 'manual' });
  return { status: response.status, headers: response.headers, body: await response.text() };
};

describe('/privacy and /terms', () => {
  let t: TestServer;
  before(async () => {
    t = await startTestServer({ bundledCatalog: false });
  });
  after(async () => t?.close());

  test('the privacy policy says what is stored, what each permission lets an app see, how long, and how to leave', async () => {
    const privacy = await page(`${t.baseUrl}/privacy`);
    assert.equal(privacy.status, 200);
    assert.match(privacy.headers.get('content-type') ?? '', /^text\/html/);
    assert.match(privacy.headers.get('content-security-policy') ?? '', /default-src 'none'/);
    assert.match(privacy.body, /<h1>Privacy policy<\/h1>/);
    for (const heading of ['What Larder stores', 'What apps can see', 'How long it is kept', 'Your choices', 'Contact']) assert.match(privacy.body, new RegExp(`<h2[^>]*>${heading}</h2>`));
    // One list per fact: every scope, in the words of the consent page.
    for (const [scope, description] of Object.entries(SCOPE_DESCRIPTIONS)) assert.match(privacy.body, new RegExp(`<code>${scope}</code></th><td>${description}</td>`));
    assert.match(privacy.body, new RegExp(`lasts ${TOKEN_LIFETIMES.accessToken / 3600} hour at a time`));
    assert.match(privacy.body, new RegExp(`refresh token that lasts\\s+${TOKEN_LIFETIMES.refreshToken / 86400} days`));
    assert.match(privacy.body, /argon2id/);
    assert.match(privacy.body, /OpenAI/);
    assert.match(privacy.body, /<a href="\/account">your account page<\/a> \(Connected apps → Revoke\)/);
    // Without LARDER_OPERATOR / LARDER_CONTACT the page still makes sense.
    assert.match(privacy.body, new RegExp(`the people who run Larder at <a href="${t.baseUrl}">127\\.0\\.0\\.1:\\d+</a>`));
    const terms = await page(`${t.baseUrl}/terms`);
    assert.equal(terms.status, 200);
    assert.match(terms.body, /<h1>Terms of use<\/h1>/);
    assert.match(terms.body, /not medical or dietary advice/);
    assert.match(terms.body, /<a href="\/privacy">privacy policy<\/a>/);
  });

  test('every page links to both in its footer', async () => {
    for (const route of ['/catalog', '/catalog?q=x', '/login', '/register', '/docs', '/privacy', '/terms', '/nowhere', '/oauth/authorize?client_id=lc_unknown&response_type=code']) {
      const shown = await page(`${t.baseUrl}${route}`);
      assert.match(shown.headers.get('content-type') ?? '', /^text\/html/, route);
      const footer = /<footer class="site-footer">([\s\S]*?)<\/footer>/.exec(shown.body)?.[1] ?? '';
      assert.match(footer, /<a href="\/privacy">Privacy<\/a>/, route);
      assert.match(footer, /<a href="\/terms">Terms<\/a>/, route);
    }
  });

  test('the operator and contact come from LARDER_OPERATOR and LARDER_CONTACT, escaped', async () => {
    const named = await startTestServer({ bundledCatalog: false, env: { LARDER_OPERATOR: 'Ann & <b>Co</b>', LARDER_CONTACT: 'privacy@larder.example.com' } });
    try {
      const privacy = await page(`${named.baseUrl}/privacy`);
      assert.match(privacy.body, /Ann &amp; &lt;b&gt;Co&lt;\/b&gt; \(“we”\) runs Larder/);
      assert.doesNotMatch(privacy.body, /<b>Co<\/b>/);
      assert.match(privacy.body, /<a href="mailto:privacy@larder\.example\.com">privacy@larder\.example\.com<\/a>/);
      const terms = await page(`${named.baseUrl}/terms`);
      assert.match(terms.body, /run by Ann &amp; &lt;b&gt;Co&lt;\/b&gt;/);
    } finally {
      await named.close();
    }
  });

  test('an operator rewrites them in LARDER_VIEWS; a template not overridden keeps the default', async () => {
    const views = mkdtempSync(path.join(os.tmpdir(), 'larder-views-'));
    writeFileSync(path.join(views, 'privacy.eta'), "<% layout('./layout') %>\n<h1>Our own policy for <%= it.host %></h1>\n");
    const custom = await startTestServer({ bundledCatalog: false, env: { LARDER_VIEWS: views } });
    try {
      const privacy = await page(`${custom.baseUrl}/privacy`);
      assert.match(privacy.body, /<h1>Our own policy for 127\.0\.0\.1:\d+<\/h1>/);
      assert.match(privacy.body, /<a href="\/terms">Terms<\/a>/);
      assert.match((await page(`${custom.baseUrl}/terms`)).body, /<h1>Terms of use<\/h1>/);
    } finally {
      await custom.close();
      rmSync(views, { recursive: true, force: true });
    }
  });
});

describe('operations settings', () => {
  const load = (env: Record<string, string>) => loadConfig(env, { readEnvFile: false, cwd: os.tmpdir() });
  const problem = (env: Record<string, string>, name: string) =>
    assert.throws(() => load(env), (error: unknown) => error instanceof ConfigError && error.problems.some((p) => p.startsWith(name)), name);

  test('METRICS_TOKEN, LARDER_KEYS_POLL_MS, LARDER_OPERATOR and LARDER_CONTACT are read and checked', () => {
    const defaults = load({});
    assert.equal(defaults.metricsToken, undefined);
    assert.equal(defaults.keysPollMs, 15_000);
    assert.deepEqual(defaults.operator, { name: undefined, contact: undefined });
    const set = load({ METRICS_TOKEN: 'a'.repeat(32), LARDER_KEYS_POLL_MS: '5000', LARDER_OPERATOR: 'Larder Ltd', LARDER_CONTACT: 'https://larder.example.com/contact' });
    assert.equal(set.metricsToken, 'a'.repeat(32));
    assert.equal(set.keysPollMs, 5000);
    assert.deepEqual(set.operator, { name: 'Larder Ltd', contact: 'https://larder.example.com/contact' });
    problem({ METRICS_TOKEN: 'short' }, 'METRICS_TOKEN');
    problem({ LARDER_KEYS_POLL_MS: 'soon' }, 'LARDER_KEYS_POLL_MS');
    problem({ LARDER_KEYS_POLL_MS: '5' }, 'LARDER_KEYS_POLL_MS');
    problem({ LARDER_CONTACT: 'call us' }, 'LARDER_CONTACT');
  });
});
