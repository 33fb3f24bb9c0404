import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { after, before, beforeEach, describe, test } from 'node:test';
import { normalizeMissedQuery, RETENTION_DAYS, SearchMissCounter, topSearchMisses } from '../../src/catalog/search-misses.js';
import { createTestDatabase, type TestDatabase } from '../helpers/db.js';

/** The search-miss counts on a real database (SQLite or PostgreSQL, as the suite runs). */
describe('searches with no close match, counted for larder stats', () => {
  let database: TestDatabase;
  const rows = async () => (await database.db.selectFrom('search_misses').selectAll().orderBy('day').orderBy('query').execute()).map((r) => ({ ...r, searches: Number(r.searches) }));
  const warnings: string[] = [];
  const log = { warn: (_object: unknown, message: string) => warnings.push(message) };

  before(async () => {
    database = await createTestDatabase();
  });
  after(async () => database?.drop());
  beforeEach(async () => {
    await database.db.deleteFrom('search_misses').execute();
    warnings.length = 0;
  });

  test('queries are kept as history keeps them: trimmed, lower-cased, clipped, anything like a token masked', () => {
    assert.equal(normalizeMissedQuery('  Oat   MILK  Latte '), 'oat milk latte');
    assert.equal(normalizeMissedQuery('ＬＡＴＴＥ'), 'latte', 'full-width letters read as the letters they are');
    assert.equal(normalizeMissedQuery('latte sk_live_0123456789abcdefghij'), 'latte …');
    assert.equal(normalizeMissedQuery('eyJhbGciOiJSUzI1NiJ9abcdef0123456789'), undefined, 'nothing but a token: nothing kept');
    assert.equal(normalizeMissedQuery('a'.repeat(200))?.length, 60);
  });

  test('counts add up in memory and reach the database in one write; nothing is written while nothing was searched', async () => {
    const counter = new SearchMissCounter(database.db, { log });
    counter.note('Latte');
    counter.note('latte');
    counter.note('kombucha');
    assert.deepEqual(await rows(), [], 'nothing is written per search');
    await counter.flush();
    const today = new Date().toISOString().slice(0, 10);
    assert.deepEqual(await rows(), [
      { day: today, query: 'kombucha', searches: 1 },
      { day: today, query: 'latte', searches: 2 },
    ]);
    await counter.flush();
    counter.note('latte');
    await counter.close();
    assert.deepEqual((await rows()).find((r) => r.query === 'latte')?.searches, 3, 'close writes what is left');
  });

  test('two instances add up their counts for the same day and query', async () => {
    const one = new SearchMissCounter(database.db);
    const two = new SearchMissCounter(database.db);
    one.note('poke bowl');
    two.note('poke bowl');
    two.note('poke bowl');
    await Promise.all([one.flush(), two.flush()]);
    assert.deepEqual((await rows()).map((r) => [r.query, r.searches]), [['poke bowl', 3]]);
  });

  test('a write that fails keeps its counts for the next one', async () => {
    const counter = new SearchMissCounter(database.db, { log });
    counter.note('matcha');
    await sql`alter table search_misses rename to search_misses_away`.execute(database.db);
    try {
      await counter.flush();
    } finally {
      await sql`alter table search_misses_away rename to search_misses`.execute(database.db);
    }
    assert.match(warnings.join('\n'), /could not write the counts; kept for the next flush/);
    counter.note('matcha');
    await counter.flush();
    assert.deepEqual((await rows()).map((r) => [r.query, r.searches]), [['matcha', 2]]);
  });

  test('at most so many distinct queries a day: more are dropped (and logged), known ones still count', async () => {
    const counter = new SearchMissCounter(database.db, { log, maxQueriesPerDay: 2 });
    for (const query of ['one', 'two', 'three', 'four', 'one', 'two']) counter.note(query);
    await counter.flush();
    assert.deepEqual((await rows()).map((r) => [r.query, r.searches]), [['one', 2], ['two', 2]]);
    assert.match(warnings.join('\n'), /more distinct queries today than are counted/);
  });

  test(`rows older than ${RETENTION_DAYS} days are deleted on the first write of a day`, async () => {
    let now = new Date(Date.now() - (RETENTION_DAYS + 5) * 86_400_000);
    const counter = new SearchMissCounter(database.db, { now: () => now });
    counter.note('old search');
    await counter.flush();
    assert.equal((await rows()).length, 1);
    now = new Date();
    counter.note('new search');
    await counter.flush();
    assert.deepEqual((await rows()).map((r) => r.query), ['new search']);
  });

  test('the top list sums the days of its window, most searched first', async () => {
    const day = (daysAgo: number) => new Date(Date.now() - daysAgo * 86_400_000);
    let now = day(10);
    const counter = new SearchMissCounter(database.db, { now: () => now });
    for (let i = 0; i < 9; i++) counter.note('outside the window');
    await counter.flush();
    now = day(3);
    counter.note('tempeh');
    counter.note('seitan');
    await counter.flush();
    now = day(0);
    counter.note('tempeh');
    await counter.flush();
    const top = await topSearchMisses(database.db, { days: 7, limit: 10 });
    assert.equal(top.since, day(6).toISOString().slice(0, 10));
    assert.deepEqual(top.misses, [
      { query: 'tempeh', searches: 2, last_day: day(0).toISOString().slice(0, 10) },
      { query: 'seitan', searches: 1, last_day: day(3).toISOString().slice(0, 10) },
    ]);
    assert.equal((await topSearchMisses(database.db, { days: 7, limit: 1 })).misses.length, 1);
  });
});
