import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import { flushUsageOf } from '../../src/api/usage.js';
import { createUser } from '../../src/accounts/users.js';
import { runCli } from '../../src/cli/main.js';
import { createClient } from '../../src/oauth/clients.js';
import { apiGet, issueApiToken } from '../oauth/oauth-helpers.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

describe('larder stats', () => {
  let t: TestServer;
  let env: Record<string, string>;
  const larder = async (args: string[]) => {
    const out: string[] = [];
    const err: string[] = [];
    const code = await runCli(args, { out: (s) => out.push(s), err: (s) => err.push(s), isTerminal: false }, Readable.from([]), env);
    return { code, out: out.join('\n'), err: err.join('\n') };
  };

  before(async () => {
    // A free account may make 2 API requests a day here, so the third is a quota refusal.
    t = await startTestServer({ env: { LARDER_QUOTA_FREE: '2' } });
    env = { NODE_ENV: 'test', DATABASE_URL: t.database.url, APP_URL: t.config.appUrl, LARDER_STORAGE: t.config.storageDir };
  });
  after(async () => t?.close());

  test('an empty Larder: no people, no clients, nothing today', async () => {
    const json = JSON.parse((await larder(['stats', '--json'])).out) as Record<string, unknown>;
    assert.deepEqual(json.people, { total: 0, by_plan: { free: 0, pro: 0 } });
    assert.deepEqual(json.clients, []);
    assert.equal(json.requests_today, 0);
  });

  test('people by plan, clients with their last use, requests today and quota refusals by client', async () => {
    const busy = await issueApiToken(t, { plan: 'free' });
    const pro = await issueApiToken(t, { plan: 'pro' });
    await createUser(t.server.database.db, { email: 'idle@example.com', password: 'correct horse battery staple' });
    const unused = await createClient(t.server.database.db, { name: 'Never used', redirectUris: ['https://chatgpt.com/aip/g-3f1c9a7e5b2d4c6a8e/oauth/callback'] });
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++) statuses.push((await apiGet(t.baseUrl, '/api/foods/search?query=banana', busy.accessToken)).status);
    assert.deepEqual(statuses, [200, 200, 429]);
    assert.equal((await apiGet(t.baseUrl, '/api/me', pro.accessToken)).status, 200);
    // The server writes history in batches a flush interval after the answers; the CLI reads what is written.
    await flushUsageOf(t.server.database.db);

    const result = await larder(['stats', '--json']);
    assert.equal(result.code, 0, result.err);
    const json = JSON.parse(result.out) as {
      people: { total: number; by_plan: Record<string, number> };
      clients: Array<{ client_id: string; name: string; last_used_at: string | null; requests_today: number; quota_refusals_today: number }>;
      requests_today: number;
      quota_refusals_today: number;
      day: string;
      searches_without_close_match: { days: number; since: string; top: unknown[] };
    };
    assert.deepEqual(json.people, { total: 3, by_plan: { free: 2, pro: 1 } });
    assert.equal(json.requests_today, 4);
    assert.equal(json.quota_refusals_today, 1);
    assert.equal(json.day, new Date().toISOString().slice(0, 10));
    const byId = new Map(json.clients.map((c) => [c.client_id, c]));
    assert.equal(byId.get(busy.clientId)?.requests_today, 3);
    assert.equal(byId.get(busy.clientId)?.quota_refusals_today, 1);
    assert.equal(byId.get(pro.clientId)?.requests_today, 1);
    assert.ok(Date.now() - Date.parse(byId.get(pro.clientId)!.last_used_at!) < 60_000);
    assert.equal(byId.get(unused.client.clientId)?.last_used_at, null);
    // The busiest client comes first.
    assert.equal(json.clients[0]?.client_id, busy.clientId);
    // The quota refusal above searched nothing; 'banana' was a close match both times.
    assert.deepEqual(json.searches_without_close_match.top, []);

    const text = await larder(['stats']);
    assert.match(text.out, /People: 3 \(free 2, pro 1\)/);
    assert.match(text.out, /API requests today: 4, of which refused for the daily quota: 1/);
    assert.match(text.out, new RegExp(`Test client\\s+${busy.clientId}\\s+\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d\\s+3\\s+1`));
    assert.match(text.out, new RegExp(`Never used\\s+${unused.client.clientId}\\s+never\\s+0\\s+0`));
    assert.match(text.out, /Searches with no close match since \d{4}-\d\d-\d\d: none\./);
  });

  test('top searches with no close match, from the API and the public catalog, counted without a person and without secrets', async () => {
    const pro = await issueApiToken(t, { plan: 'pro' });
    const search = async (query: string) => {
      const reply = await apiGet(t.baseUrl, `/api/foods/search?query=${encodeURIComponent(query)}`, pro.accessToken);
      assert.equal(reply.status, 200);
      return reply.body as { close_match: boolean };
    };
    assert.equal((await search('oat milk latte')).close_match, false);
    assert.equal((await search('  Oat   MILK latte ')).close_match, false, 'the same search, as people type it');
    assert.equal((await search('banana')).close_match, true);
    assert.equal((await search('zqxjvw')).close_match, false, 'nothing matched at all');
    // A token pasted into a search is masked, so only the words around it are kept.
    assert.equal((await search('oat milk latte eyJhbGciOiJSUzI1NiJ9abcdef0123456789')).close_match, false);
    // The public catalog page (no account) counts too.
    const page = await fetch(`${t.baseUrl}/catalog?q=${encodeURIComponent('oat milk latte')}`);
    assert.equal(page.status, 200);
    assert.match(await page.text(), /No close match/);

    // Servers write their counts in batches (every 30 s and when they stop): write now.
    await t.server.searchMisses.flush();
    const json = JSON.parse((await larder(['stats', '--json'])).out) as { searches_without_close_match: { days: number; since: string; top: Array<{ query: string; searches: number; last_day: string }> } };
    const today = new Date().toISOString().slice(0, 10);
    assert.equal(json.searches_without_close_match.days, 7);
    assert.deepEqual(json.searches_without_close_match.top, [
      { query: 'oat milk latte', searches: 3, last_day: today },
      { query: 'oat milk latte …', searches: 1, last_day: today },
      { query: 'zqxjvw', searches: 1, last_day: today },
    ]);
    // What is stored: the day, the words, a count. No person, no client, no token.
    const rows = await t.server.database.db.selectFrom('search_misses').selectAll().execute();
    assert.deepEqual(Object.keys(rows[0]!).sort(), ['day', 'query', 'searches']);
    assert.ok(!JSON.stringify(rows).includes('eyJhbGci'), JSON.stringify(rows));

    const text = await larder(['stats']);
    assert.match(text.out, /Top searches with no close match since \d{4}-\d\d-\d\d/);
    assert.match(text.out, new RegExp(`^3\\s+${today}\\s+oat milk latte$`, 'm'));
    assert.match(text.out, new RegExp(`^1\\s+${today}\\s+zqxjvw$`, 'm'));
  });
});
