import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { todayIn } from '../../src/diary/dates.js';
import { Visitor, csrfIn } from '../accounts/visitor.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { issueApiToken, PASSWORD } from '../oauth/oauth-helpers.js';

describe('the diary on /account', () => {
  let t: TestServer;
  let token: string;
  let email: string;
  before(async () => {
    t = await startTestServer();
    const issued = await issueApiToken(t, { plan: 'free' });
    token = issued.accessToken;
    email = issued.user.email;
  });
  after(async () => t?.close());

  const api = async (method: string, path: string, body?: unknown) => {
    const response = await fetch(`${t.baseUrl}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };

  test('a person sets goals and a time zone; the summary compares the day with them', async () => {
    const visitor = new Visitor(t.baseUrl);
    await visitor.logIn(email, PASSWORD);
    const account = await visitor.get('/account');
    assert.equal(account.status, 200);
    assert.match(account.body, /Food diary/);
    const saved = await visitor.post('/account/diary-settings', { _csrf: csrfIn(account.body), energy: '2000', protein: '120', fat: '', carbohydrate: '250', time_zone: 'Pacific/Auckland' });
    assert.equal(saved.status, 303, saved.body.slice(0, 300));

    const added = await api('POST', '/api/diary', { food_id: 'sr-09040', grams: 200, meal: 'lunch' });
    assert.equal(added.status, 201);
    // "Today" is now Auckland's day, which may differ from UTC's.
    assert.equal(added.body.date, todayIn('Pacific/Auckland'));
    const summary = await api('GET', '/api/diary/summary');
    const goals = summary.body.goals as Array<{ name: string; goal: number; eaten: number; remaining: number; unit: string }>;
    assert.deepEqual(goals.map((g) => g.name), ['Energy', 'Protein', 'Carbohydrate']);
    assert.deepEqual(goals[0], { name: 'Energy', goal: 2000, eaten: 178, remaining: 1822, unit: 'kcal' });

    const page = await visitor.get('/account');
    assert.match(page.body, /Bananas, raw/);
    assert.match(page.body, /<option value="Pacific\/Auckland" selected>/);
  });

  test('settings without the CSRF token, or with a bad value, change nothing', async () => {
    const visitor = new Visitor(t.baseUrl);
    await visitor.logIn(email, PASSWORD);
    const forged = await visitor.post('/account/diary-settings', { energy: '1', time_zone: 'UTC' });
    assert.equal(forged.status, 403);
    const account = await visitor.get('/account');
    const badZone = await visitor.post('/account/diary-settings', { _csrf: csrfIn(account.body), energy: '1800', time_zone: 'Mars/Olympus' });
    assert.equal(badZone.status, 400);
    const badGoal = await visitor.post('/account/diary-settings', { _csrf: csrfIn(account.body), energy: '-5', time_zone: 'UTC' });
    assert.equal(badGoal.status, 400);
    const summary = await api('GET', '/api/diary/summary');
    assert.equal((summary.body.goals as Array<{ goal: number }>)[0]?.goal, 2000);
  });
});
