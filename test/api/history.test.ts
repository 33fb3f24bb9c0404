import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { formatDateTime, todayIn } from '../../src/accounts/time-zone.js';
import { setUserTimeZone } from '../../src/accounts/users.js';
import { searchTextForHistory } from '../../src/api/activity.js';
import { flushUsageOf } from '../../src/api/usage.js';
import { Visitor } from '../accounts/visitor.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { issueApiToken, PASSWORD } from '../oauth/oauth-helpers.js';
import { callApi } from '../helpers/api.js';

/** The lines of "Recent activity", as text. */
function historyLines(html: string): string[] {
  const section = /<section[^>]*aria-labelledby="recent-history"[\s\S]*?<\/section>/.exec(html)?.[0] ?? '';
  return [...section.matchAll(/<li[^>]*>([\s\S]*?)<\/li>/g)].map((m) => m[1]!.replace(/<[^>]+>/g, '').replace(/&#39;/g, "'").replace(/&amp;/g, '&').replace(/\s+/g, ' ').trim());
}

describe('Recent activity names what each app did, in the person’s time zone', () => {
  let t: TestServer;
  let token: string;
  let email: string;
  const zone = 'America/New_York';

  before(async () => {
    t = await startTestServer();
    const issued = await issueApiToken(t, { plan: 'free' });
    token = issued.accessToken;
    email = issued.user.email;
    await setUserTimeZone(t.server.database.db, issued.user.id, zone);
  });
  after(async () => t?.close());

  const call = (method: string, path: string, body?: unknown) => callApi(t.baseUrl, token, method, path, body);

  test('searches, reads, logs and deletes read as sentences; refusals say what was tried', async () => {
    const today = todayIn(zone);
    assert.equal((await call('GET', '/api/foods/search?query=banana')).status, 200);
    assert.equal((await call('GET', '/api/foods/search?query=zzqqxxnothing')).status, 200);
    assert.equal((await call('GET', '/api/foods/sr-09040')).status, 200);
    const logged = await call('POST', '/api/diary', { food_id: 'sr-09040', grams: 118, meal: 'breakfast' });
    assert.equal(logged.status, 201);
    const earlier = await call('POST', '/api/diary', { food_id: 'sr-09040', portion: '1 medium', meal: 'lunch', date: '2026-01-05' });
    assert.equal(earlier.status, 201);
    assert.equal((await call('GET', '/api/diary?date=2026-01-05')).status, 200);
    assert.equal((await call('GET', '/api/diary/summary')).status, 200);
    assert.equal((await call('DELETE', `/api/diary/${String(earlier.body.id)}`)).status, 200);
    assert.equal((await call('DELETE', '/api/diary/de_nosuchentry')).status, 404);
    assert.equal((await call('GET', '/api/me')).status, 200);

    const visitor = new Visitor(t.baseUrl);
    await visitor.logIn(email, PASSWORD);
    const page = await visitor.get('/account');
    const lines = historyLines(page.body);
    const whats = lines.map((line) => line.replace(/^.*? (?=(Searched|Read|Logged|Deleted|Tried))/, ''));
    assert.deepEqual(whats, [
      'Read your name and plan from Test client',
      'Tried to delete a diary entry: not found from Test client',
      'Deleted Bananas, raw, 1 medium (118 g) at lunch on 2026-01-05 from Test client',
      `Read the totals for ${today} from Test client`,
      'Read the diary for 2026-01-05 from Test client',
      'Logged Bananas, raw, 1 medium (118 g) at lunch on 2026-01-05 from Test client',
      'Logged Bananas, raw, 118 g at breakfast from Test client',
      'Read the nutrition facts of Bananas, raw from Test client',
      "Searched 'zzqqxxnothing' (nothing matched) from Test client",
      "Searched 'banana' from Test client",
    ]);
    assert.match(page.body, /Times are in America\/New_York/);
    // Each time as the person reads it, in their zone.
    const section = /<section[^>]*aria-labelledby="recent-history"[\s\S]*?<\/section>/.exec(page.body)?.[0] ?? '';
    const stamps = [...section.matchAll(/<time datetime="([^"]+)">([^<]+)<\/time>/g)];
    assert.equal(stamps.length, 10);
    for (const [, iso, shown] of stamps) assert.equal(shown, formatDateTime(iso!, zone));
    assert.match(stamps[0]![2]!, /GMT-[45]|E[SD]T/);
  });

  test('what is stored: route patterns and a clipped search, never the token or a secret pasted into a search', async () => {
    const pasted = `banana ${token}`;
    assert.equal((await call('GET', `/api/foods/search?query=${encodeURIComponent(pasted)}`)).status, 200);
    const long = 'apple '.repeat(30).trim();
    assert.equal((await call('GET', `/api/foods/search?query=${encodeURIComponent(long)}`)).status, 200);
    // History is written in batches, a flush interval after the answers; flush this process's now.
    await flushUsageOf(t.server.database.db);
    const rows = await t.server.database.db.selectFrom('api_requests').select(['route', 'activity']).execute();
    const stored = JSON.stringify(rows);
    assert.ok(!stored.includes(token), 'no access token in the usage records');
    assert.ok(rows.every((row) => row.route.startsWith('/api/') && !row.route.includes('?')), 'routes are patterns');
    assert.ok(rows.some((row) => row.route === '/api/diary/:id'));
    const searches = rows.filter((row) => row.route === '/api/foods/search').map((row) => JSON.parse(row.activity ?? '{}') as { query?: string });
    assert.ok(searches.some((s) => s.query === 'banana …'), JSON.stringify(searches));
    assert.ok(searches.some((s) => s.query === searchTextForHistory(long) && s.query.length === 60 && s.query.endsWith('…')));

    const visitor = new Visitor(t.baseUrl);
    await visitor.logIn(email, PASSWORD);
    const page = await visitor.get('/account');
    assert.ok(!page.body.includes(token));
    assert.ok(historyLines(page.body).some((line) => /Searched 'banana …'( \(no close match\))? from Test client$/.test(line)), historyLines(page.body).join('\n'));
  });
});
