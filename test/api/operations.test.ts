import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { describeMe } from '../../src/accounts/me.js';
import { nutrientTierFor, PLANS } from '../../src/accounts/plans.js';
import type { Caller } from '../../src/api/caller.js';
import { getFood, searchFoods } from '../../src/catalog/operations.js';
import { addEntry, deleteEntry, diaryDay } from '../../src/diary/operations.js';
import { daySummary } from '../../src/diary/summary.js';
import { LarderError } from '../../src/errors.js';
import { issueApiToken } from '../oauth/oauth-helpers.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

/** Operations are plain functions of (deps, caller, input): the REST routes (and /mcp) only call them. */
describe('operations without HTTP', () => {
  let t: TestServer;
  let token: string;
  let caller: Caller;

  before(async () => {
    t = await startTestServer();
    const issued = await issueApiToken(t, { plan: 'free' });
    token = issued.accessToken;
    caller = { user: issued.user, clientId: issued.clientId, grantId: undefined, scopes: new Set(['foods:read', 'diary:read', 'diary:write', 'profile']) };
  });
  after(async () => t?.close());

  const deps = () => ({ catalog: t.server.catalog, appUrl: t.config.appUrl, db: t.server.database.db });
  const api = async (path: string, init: RequestInit = {}) => {
    const response = await fetch(`${t.baseUrl}${path}`, { ...init, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...init.headers } });
    return { status: response.status, body: (await response.json()) as unknown };
  };

  test('searchFoods and getFood return exactly what the REST routes answer', async () => {
    const direct = await searchFoods(deps(), caller, { query: 'banana', limit: 2 });
    assert.deepEqual((await api('/api/foods/search?query=banana&limit=2')).body, direct);
    const id = direct.data[0]!.id;
    assert.deepEqual((await api(`/api/foods/${id}`)).body, await getFood(deps(), caller, { id }));
  });

  test('the plan decides the nutrient panel, in one place', async () => {
    assert.deepEqual(PLANS, ['free', 'pro']);
    const pro: Caller = { ...caller, user: { ...caller.user, plan: 'pro' } };
    const free = (await searchFoods(deps(), caller, { query: 'banana', limit: 1 })).data[0]!.nutrition.map((n) => n.name);
    const full = (await searchFoods(deps(), pro, { query: 'banana', limit: 1 })).data[0]!.nutrition.map((n) => n.name);
    assert.equal(nutrientTierFor('free'), 'main');
    assert.ok(!free.includes('Potassium') && full.includes('Potassium'));
  });

  test('bad input is a LarderError with a stable code, whichever surface calls', async () => {
    await assert.rejects(searchFoods(deps(), caller, { query: '   ' }), (error: unknown) => error instanceof LarderError && error.code === 'invalid_request');
    await assert.rejects(getFood(deps(), caller, { id: 'sr-none' }), (error: unknown) => error instanceof LarderError && error.code === 'not_found');
    await assert.rejects(
      addEntry(deps(), caller, { food_id: 'sr-09040', meal: 'lunch', portion: 'one bucket' }),
      (error: unknown) => error instanceof LarderError && error.status === 400 && /portions are/.test(error.message),
    );
  });

  test('a diary round trip: add (idempotent), read, total, delete', async () => {
    const first = await addEntry(deps(), caller, { food_id: 'sr-09040', meal: 'snack', grams: 120, idempotency_key: 'round-trip-1' });
    assert.equal(first.replayed, false);
    const again = await addEntry(deps(), caller, { food_id: 'sr-09040', meal: 'snack', grams: 120, idempotency_key: 'round-trip-1' });
    assert.deepEqual(again, { entry: first.entry, replayed: true });
    const day = await diaryDay(deps(), caller, {});
    assert.deepEqual(day.entries, [first.entry]);
    assert.deepEqual((await api('/api/diary')).body, day);
    const summary = await daySummary(deps(), caller, {});
    assert.equal(summary.entry_count, 1);
    assert.deepEqual((await api('/api/diary/summary')).body, summary);
    assert.deepEqual(await deleteEntry(deps(), caller, { id: first.entry.id }), { deleted: first.entry });
    assert.deepEqual((await diaryDay(deps(), caller, {})).entries, []);
  });

  test('me is the name and plan, never the email', async () => {
    const me = describeMe(caller);
    assert.deepEqual(me, { id: caller.user.id, name: caller.user.name, plan: 'free' });
    assert.deepEqual((await api('/api/me')).body, me);
  });
});
