import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { diaryDate } from '../../src/diary/dates.js';
import { InvalidRequestError } from '../../src/errors.js';
import { issueApiToken } from '../oauth/oauth-helpers.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { callApi } from '../helpers/api.js';

/** Impossible months and days, a 30th of February, a 29th in a common year, and things that are no dates at all. */
const BAD_DATES = ['2026-13-01', '2026-00-10', '2026-12-32', '2026-12-00', '2026-02-30', '2025-02-29', '2026-04-31', '2026-1-1', '20260101', 'tomorrow', '2026-01-01T00:00:00Z', '９９９９-01-01', '2026-01-01\n'];

test('diaryDate accepts real calendar days, leap days included, and refuses every impossible one naming the field', () => {
  const now = new Date('2026-06-15T12:00:00Z');
  assert.equal(diaryDate('2024-02-29', 'UTC', now), '2024-02-29');
  assert.equal(diaryDate('2000-02-29', 'UTC', now), '2000-02-29');
  assert.equal(diaryDate('2026-06-16', 'UTC', now), '2026-06-16');
  assert.equal(diaryDate(undefined, 'UTC', now), '2026-06-15');
  for (const bad of [...BAD_DATES, '2100-02-29']) {
    assert.throws(() => diaryDate(bad, 'UTC', now), (error: unknown) => error instanceof InvalidRequestError && /^date /.test(error.message), bad);
  }
});

describe('bad diary dates are a 400 naming the field, wherever a date is read', () => {
  let t: TestServer;
  let token: string;
  before(async () => {
    t = await startTestServer();
    token = (await issueApiToken(t, { plan: 'pro' })).accessToken;
  });
  after(async () => t?.close());

  const call = (method: string, path: string, body?: unknown) => callApi<{ error?: string; error_description?: string }>(t.baseUrl, token, method, path, body);

  for (const date of BAD_DATES) {
    test(`"${JSON.stringify(date).slice(1, -1)}" in GET /api/diary, GET /api/diary/summary and POST /api/diary`, async () => {
      for (const path of ['/api/diary', '/api/diary/summary']) {
        const reply = await call('GET', `${path}?date=${encodeURIComponent(date)}`);
        assert.equal(reply.status, 400, `${path}: ${JSON.stringify(reply.body)}`);
        assert.equal(reply.body.error, 'invalid_request');
        assert.match(reply.body.error_description ?? '', /^date /);
      }
      const written = await call('POST', '/api/diary', { food_id: 'sr-09040', grams: 100, meal: 'lunch', date });
      assert.equal(written.status, 400, JSON.stringify(written.body));
      assert.equal(written.body.error, 'invalid_request');
      assert.match(written.body.error_description ?? '', /^date /);
    });
  }

  test('nothing was written by the refused requests', async () => {
    const rows = await t.server.database.db.selectFrom('diary_entries').select('id').execute();
    assert.deepEqual(rows, []);
  });
});
