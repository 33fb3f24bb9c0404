import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { RESPONSE_BUDGET_CHARS } from '../../src/api/budget.js';
import { todayIn } from '../../src/diary/dates.js';
import { MAX_ENTRIES_PER_DAY } from '../../src/diary/entries.js';
import { issueApiToken } from '../oauth/oauth-helpers.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

interface Reply {
  status: number;
  body: Record<string, unknown>;
  headers: Headers;
  text: string;
}

describe('food diary API', () => {
  let t: TestServer;
  let token: string;
  let readOnly: string;
  let foodsOnly: string;
  let other: string;
  before(async () => {
    t = await startTestServer();
    token = (await issueApiToken(t, { plan: 'pro' })).accessToken;
    readOnly = (await issueApiToken(t, { scopes: ['foods:read', 'diary:read'] })).accessToken;
    foodsOnly = (await issueApiToken(t, { scopes: ['foods:read'] })).accessToken;
    other = (await issueApiToken(t, { plan: 'free' })).accessToken;
  });
  after(async () => t?.close());

  const call = async (method: string, path: string, bearer: string, body?: unknown, headers: Record<string, string> = {}): Promise<Reply> => {
    const response = await fetch(`${t.baseUrl}${path}`, {
      method,
      headers: { authorization: `Bearer ${bearer}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {}, headers: response.headers, text };
  };

  test('logs a food by grams and replies with the stored entry and its nutrients', async () => {
    const added = await call('POST', '/api/diary', token, { food_id: 'sr-09040', grams: 150, meal: 'breakfast', date: '2026-01-15' });
    assert.equal(added.status, 201, added.text);
    assert.equal(added.body.meal, 'breakfast');
    assert.equal(added.body.date, '2026-01-15');
    assert.equal(added.body.grams, 150);
    assert.deepEqual(added.body.food, { id: 'sr-09040', name: 'Bananas, raw' });
    const energy = (added.body.nutrition as Array<{ name: string; amount: number }>).find((n) => n.name === 'Energy');
    assert.equal(energy?.amount, 134); // 89 kcal per 100 g x 1.5, rounded
  });

  test('keeps a note with an entry; a note too long or with control characters is refused and nothing is logged', async () => {
    const added = await call('POST', '/api/diary', token, { food_id: 'sr-09040', grams: 100, meal: 'snack', date: '2026-04-01', note: '  after the run  ' });
    assert.equal(added.status, 201, added.text);
    assert.equal(added.body.note, 'after the run', 'trimmed');
    const listed = await call('GET', '/api/diary?date=2026-04-01', token);
    assert.equal((listed.body.entries as Array<{ note?: string }>)[0]?.note, 'after the run');
    const plain = await call('POST', '/api/diary', token, { food_id: 'sr-09040', grams: 100, meal: 'snack', date: '2026-04-01' });
    assert.equal(plain.body.note, undefined, 'no note, no field');
    for (const note of ['x'.repeat(281), 'tab\tand\u0007bell']) {
      const refused = await call('POST', '/api/diary', token, { food_id: 'sr-09040', grams: 100, meal: 'snack', date: '2026-04-02', note });
      assert.equal(refused.status, 400, refused.text);
      assert.equal(refused.body.error, 'invalid_request');
    }
    assert.deepEqual((await call('GET', '/api/diary?date=2026-04-02', token)).body.entries, []);
    // A retry with the same key and note is the same entry; another note is another entry.
    const key = { 'idempotency-key': 'note-retry-0001' };
    const first = await call('POST', '/api/diary', token, { food_id: 'sr-09040', grams: 50, meal: 'lunch', date: '2026-04-03', note: 'half' }, key);
    assert.equal(first.status, 201);
    assert.equal((await call('POST', '/api/diary', token, { food_id: 'sr-09040', grams: 50, meal: 'lunch', date: '2026-04-03', note: 'half' }, key)).status, 200);
    assert.equal((await call('POST', '/api/diary', token, { food_id: 'sr-09040', grams: 50, meal: 'lunch', date: '2026-04-03', note: 'whole' }, key)).status, 409);
  });

  test('logs a household portion of a food, times a quantity', async () => {
    const added = await call('POST', '/api/diary', token, { food_id: 'sr-09040', portion: '1 cup, sliced', quantity: 2, meal: 'snack', date: '2026-01-15' });
    assert.equal(added.status, 201, added.text);
    assert.equal(added.body.grams, 300);
    assert.equal(added.body.amount, '2 cups, sliced (300 g)');
    assert.equal(added.body.portion_note, undefined, 'an exact portion needs no note');
    const short = await call('POST', '/api/diary', token, { food_id: 'sr-09040', portion: '1 cup', meal: 'snack', date: '2026-01-16' });
    assert.equal(short.status, 201, short.text);
  });

  test('"1 medium" banana logs 118 g, and "2 medium" 236 g, as people and assistants write it', async () => {
    for (const [portion, grams, amount] of [
      ['1 medium', 118, '1 medium (118 g)'],
      ['a medium', 118, '1 medium (118 g)'],
      ['Medium', 118, '1 medium (118 g)'],
      ['1 medium banana', 118, '1 medium (118 g)'],
      ['2 medium', 236, '2 medium (236 g)'],
      ['1 cup sliced', 150, '1 cup, sliced (150 g)'],
      ['1 Cup, Sliced', 150, '1 cup, sliced (150 g)'],
      ['half a cup, mashed', 112.5, '1/2 cup, mashed (112.5 g)'],
    ] as const) {
      const added = await call('POST', '/api/diary', token, { food_id: 'sr-09040', portion, meal: 'snack', date: '2026-01-20' });
      assert.equal(added.status, 201, added.text);
      assert.equal(added.body.grams, grams, portion);
      assert.equal(added.body.amount, amount, portion);
    }
  });

  test('an ambiguous portion logs the most common reading and says which in the reply, also on a retry', async () => {
    const body = { food_id: 'sr-09040', portion: '1 cup', meal: 'snack', date: '2026-01-21', idempotency_key: 'ambiguous-cup-1' };
    const added = await call('POST', '/api/diary', token, body);
    assert.equal(added.status, 201, added.text);
    assert.equal(added.body.grams, 150); // sliced: measured for far more foods than mashed
    assert.equal(added.body.amount, '1 cup, sliced (150 g)');
    assert.match(String(added.body.portion_note), /1 cup, sliced \(150 g\), 1 cup, mashed \(225 g\)\. Logged the most usual reading, 1 cup, sliced/);
    const replayed = await call('POST', '/api/diary', token, body);
    assert.equal(replayed.status, 200);
    assert.equal(replayed.body.portion_note, added.body.portion_note);
    const listed = await call('GET', '/api/diary?date=2026-01-21', token);
    assert.equal((listed.body.entries as Array<{ portion_note?: string }>)[0]?.portion_note, added.body.portion_note);
  });

  test('lists the entries of a day and totals them against goals', async () => {
    const list = await call('GET', '/api/diary?date=2026-01-15', token);
    assert.equal(list.status, 200);
    const entries = list.body.entries as Array<{ grams: number }>;
    assert.equal(entries.length, 2);
    const summary = await call('GET', '/api/diary/summary?date=2026-01-15', token);
    assert.equal(summary.status, 200);
    assert.equal(summary.body.entry_count, 2);
    const energy = (summary.body.totals as Array<{ name: string; amount: number }>).find((n) => n.name === 'Energy');
    assert.equal(energy?.amount, 401); // 134 + 267
    const meals = summary.body.meals as Array<{ meal: string; entry_count: number }>;
    assert.deepEqual(meals.map((m) => [m.meal, m.entry_count]), [['breakfast', 1], ['lunch', 0], ['dinner', 0], ['snack', 1]]);
  });

  test('a date defaults to today in the person\'s time zone', async () => {
    const added = await call('POST', '/api/diary', token, { food_id: 'sr-01123', grams: 50, meal: 'breakfast' });
    assert.equal(added.status, 201, added.text);
    assert.equal(added.body.date, todayIn('UTC'));
    const today = await call('GET', '/api/diary', token);
    assert.equal(today.body.date, todayIn('UTC'));
  });

  test('deletes only the person\'s own entries', async () => {
    const added = await call('POST', '/api/diary', token, { food_id: 'sr-09040', grams: 100, meal: 'lunch', date: '2026-02-01' });
    const id = String(added.body.id);
    const stranger = await call('DELETE', `/api/diary/${id}`, other);
    assert.equal(stranger.status, 404);
    const mine = await call('DELETE', `/api/diary/${id}`, token);
    assert.equal(mine.status, 200);
    assert.equal((mine.body.deleted as { id: string }).id, id);
    const again = await call('DELETE', `/api/diary/${id}`, token);
    assert.equal(again.status, 404);
    assert.deepEqual((await call('GET', '/api/diary?date=2026-02-01', token)).body.entries, []);
  });

  test('a retried request with the same idempotency key writes the entry once', async () => {
    const body = { food_id: 'sr-09040', grams: 120, meal: 'dinner', date: '2026-03-01' };
    const key = 'retry-key-0001';
    const first = await call('POST', '/api/diary', token, body, { 'idempotency-key': key });
    const second = await call('POST', '/api/diary', token, body, { 'idempotency-key': key });
    assert.equal(first.status, 201);
    assert.equal(second.status, 200);
    assert.equal(second.headers.get('idempotent-replayed'), 'true');
    assert.equal(second.body.id, first.body.id);
    const inBody = await call('POST', '/api/diary', token, { ...body, idempotency_key: 'body-key-0001' });
    const inBodyAgain = await call('POST', '/api/diary', token, { ...body, idempotency_key: 'body-key-0001' });
    assert.equal(inBodyAgain.body.id, inBody.body.id);
    const entries = (await call('GET', '/api/diary?date=2026-03-01', token)).body.entries as unknown[];
    assert.equal(entries.length, 2);
    const conflict = await call('POST', '/api/diary', token, { ...body, grams: 999 }, { 'idempotency-key': key });
    assert.equal(conflict.status, 409);
    assert.equal(conflict.body.error, 'idempotency_key_reused');
  });

  test('concurrent retries with one key still write one entry', async () => {
    const body = { food_id: 'sr-09040', grams: 80, meal: 'snack', date: '2026-03-02' };
    const replies = await Promise.all(Array.from({ length: 5 }, () => call('POST', '/api/diary', token, body, { 'idempotency-key': 'race-key-0001' })));
    assert.ok(replies.every((r) => r.status === 200 || r.status === 201), replies.map((r) => r.text).join('\n'));
    assert.equal(new Set(replies.map((r) => r.body.id)).size, 1);
    assert.equal(((await call('GET', '/api/diary?date=2026-03-02', token)).body.entries as unknown[]).length, 1);
  });

  for (const [label, body, code] of [
    ['an unknown food', { food_id: 'sr-00000', grams: 10, meal: 'lunch' }, 'not_found'],
    ['a negative amount', { food_id: 'sr-09040', grams: -5, meal: 'lunch' }, 'invalid_request'],
    ['an absurd amount', { food_id: 'sr-09040', grams: 250000, meal: 'lunch' }, 'invalid_request'],
    ['no amount', { food_id: 'sr-09040', meal: 'lunch' }, 'invalid_request'],
    ['grams and a portion at once', { food_id: 'sr-09040', grams: 10, portion: '1 cup', meal: 'lunch' }, 'invalid_request'],
    ['a portion the food does not have', { food_id: 'sr-09040', portion: '1 bucket', meal: 'lunch' }, 'invalid_request'],
    ['an unknown meal', { food_id: 'sr-09040', grams: 10, meal: 'brunch' }, 'invalid_request'],
    ['a date that does not exist', { food_id: 'sr-09040', grams: 10, meal: 'lunch', date: '2026-02-30' }, 'invalid_request'],
    ['a date in another format', { food_id: 'sr-09040', grams: 10, meal: 'lunch', date: '15/01/2026' }, 'invalid_request'],
    ['a date far in the future', { food_id: 'sr-09040', grams: 10, meal: 'lunch', date: '2099-01-01' }, 'invalid_request'],
    ['an unknown field', { food_id: 'sr-09040', grams: 10, meal: 'lunch', calories: 5 }, 'invalid_request'],
  ] as const) {
    test(`${label} is refused with a clear error and nothing is written`, async () => {
      const before = ((await call('GET', '/api/diary?date=2026-04-01', token)).body.entries as unknown[]).length;
      const reply = await call('POST', '/api/diary', token, { date: '2026-04-01', ...body });
      assert.ok(reply.status === 400 || reply.status === 404, `${reply.status} ${reply.text}`);
      assert.equal(reply.body.error, code);
      assert.ok(String(reply.body.error_description).length > 10);
      assert.equal(((await call('GET', '/api/diary?date=2026-04-01', token)).body.entries as unknown[]).length, before);
    });
  }

  test('a body that is not JSON is a 400, not a 500', async () => {
    const response = await fetch(`${t.baseUrl}/api/diary`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: '{"food_id": ' });
    assert.equal(response.status, 400);
    assert.equal(((await response.json()) as { error: string }).error, 'invalid_request');
  });

  test('scopes decide: reading needs diary:read, writing needs diary:write', async () => {
    const cannotWrite = await call('POST', '/api/diary', readOnly, { food_id: 'sr-09040', grams: 10, meal: 'lunch' });
    assert.equal(cannotWrite.status, 403);
    assert.match(cannotWrite.headers.get('www-authenticate') ?? '', /insufficient_scope.*scope="diary:write"/);
    assert.equal((await call('GET', '/api/diary', readOnly)).status, 200);
    const cannotRead = await call('GET', '/api/diary/summary', foodsOnly);
    assert.equal(cannotRead.status, 403);
    assert.match(cannotRead.headers.get('www-authenticate') ?? '', /scope="diary:read"/);
    assert.equal((await call('DELETE', '/api/diary/de_x', readOnly)).status, 403);
    assert.equal((await call('GET', '/api/diary', 'not-a-token')).status, 401);
  });

  test('the fullest day stays within the response budget', async () => {
    const date = '2026-05-01';
    // The longest-named food in the catalog, in as many entries as a day may hold.
    const longest = await t.server.database.db.selectFrom('foods').select(['id', 'name']).orderBy((eb) => eb.fn('length', ['name']), 'desc').limit(1).executeTakeFirstOrThrow();
    for (let i = 0; i < MAX_ENTRIES_PER_DAY; i++) {
      const added = await call('POST', '/api/diary', token, { food_id: longest.id, grams: 100, meal: 'snack', date });
      assert.equal(added.status, 201, added.text);
    }
    const full = await call('POST', '/api/diary', token, { food_id: longest.id, grams: 100, meal: 'snack', date });
    assert.equal(full.status, 409);
    assert.equal(full.body.error, 'diary_day_full');
    const list = await call('GET', `/api/diary?date=${date}`, token);
    assert.equal(list.status, 200);
    assert.ok(list.text.length <= RESPONSE_BUDGET_CHARS, `${list.text.length} characters`);
    const kept = (list.body.entries as unknown[]).length;
    assert.ok(kept === MAX_ENTRIES_PER_DAY || list.body.truncated === true);
    const summary = await call('GET', `/api/diary/summary?date=${date}`, token);
    assert.equal(summary.body.entry_count, MAX_ENTRIES_PER_DAY);
  });
});
