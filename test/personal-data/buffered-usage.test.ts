import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { sql } from 'kysely';
import { findUserCached } from '../../src/accounts/cached-users.js';
import { createUser } from '../../src/accounts/users.js';
import { usageLedgerFor, type UsageLedger } from '../../src/api/usage-ledger.js';
import type { ApiRequestRecord } from '../../src/api/usage.js';
import { changeFeedFor } from '../../src/changes/feed.js';
import { openDatabase, type Db, type OpenedDatabase } from '../../src/db/index.js';
import { migrateTo, migrateToLatest } from '../../src/db/migrate.js';
import * as activity0050 from '../../src/db/migrations/0050_activity.js';
import * as diaryNote0051 from '../../src/db/migrations/0051_diary_note.js';
import { deleteAccount } from '../../src/personal-data/delete.js';
import { exportPersonalData } from '../../src/personal-data/export.js';
import { createTestDatabase, type TestDatabase } from '../helpers/db.js';

/** A ledger that never flushes by itself within a test: only what flushes on purpose is written. */
const SLOW_FLUSH_MS = 10 * 60 * 1000;

/**
 * The batched usage history (usage-ledger.ts) against the person's rights (personal-data/):
 * an export shows the very last request even while it is still buffered, and a deleted
 * account's history does not come back from a buffer — neither from this process's nor
 * from another instance's that still held the person in memory. Two Db handles on one
 * database stand for two instances; each has its own change feed and ledger.
 */
describe('buffered usage history, export and account deletion', () => {
  let database: TestDatabase;
  let other: OpenedDatabase;
  let here: UsageLedger;
  let there: UsageLedger;

  before(async () => {
    database = await createTestDatabase();
    other = await openDatabase(database.config);
    here = usageLedgerFor(database.db, { flushMs: SLOW_FLUSH_MS });
    there = usageLedgerFor(other.db, { flushMs: SLOW_FLUSH_MS });
    await changeFeedFor(database.db).start(SLOW_FLUSH_MS);
    await changeFeedFor(other.db).start(SLOW_FLUSH_MS);
  });
  after(async () => {
    changeFeedFor(database.db).stop();
    changeFeedFor(other.db).stop();
    await here.close();
    await there.close();
    await other.close();
    await database.drop();
  });

  const record = (userId: string, route: string): ApiRequestRecord => ({
    userId, clientId: 'client-1', grantId: undefined, method: 'GET', route, status: 200, durationMs: 3, at: new Date(),
    activity: { op: 'searchFoods', query: 'banana', matches: 4 },
  });
  const historyRows = async (db: Db, userId: string) =>
    Number((await db.selectFrom('api_requests').select((eb) => eb.fn.countAll<string | number>().as('n')).where('user_id', '=', userId).executeTakeFirstOrThrow()).n);

  test('the export holds the last request, still buffered, with its activity', async () => {
    const ann = await createUser(database.db, { email: 'ann@example.com', password: 'a long enough password' });
    here.record(record(ann.id, '/api/foods/search'));
    assert.equal(await historyRows(database.db, ann.id), 0, 'buffered, not written yet');
    const data = await exportPersonalData(database.db, 'http://larder.test', ann.id);
    assert.equal(data.history.length, 1);
    assert.equal(data.history[0]!.route, '/api/foods/search');
    assert.deepEqual(data.history[0]!.activity, { op: 'searchFoods', query: 'banana', matches: 4 });
    assert.equal(data.history[0]!.what, "Searched 'banana'");
  });

  test('deleting an account writes the buffer first and leaves no row written after it, here or on another instance', async () => {
    const bea = await createUser(database.db, { email: 'bea@example.com', password: 'a long enough password' });
    const keep = await createUser(database.db, { email: 'keep@example.com', password: 'a long enough password' });
    // The other instance has Bea in memory (its caller cache) and a request of hers buffered.
    assert.equal((await findUserCached(other.db)(bea.id))?.id, bea.id);
    here.record(record(bea.id, '/api/diary'));
    there.record(record(bea.id, '/api/me'));
    there.record(record(keep.id, '/api/me'));

    const summary = await deleteAccount(database.db, bea.id);
    assert.equal(summary.history_entries, 1, "this process's buffered request was written, then deleted with the rest");
    // A request that was in flight here when the account went: not written.
    here.record(record(bea.id, '/api/diary'));
    await here.flush();
    assert.equal(await historyRows(database.db, bea.id), 0);

    // The other instance flushes before it has read the feed: its flush reads whom it writes
    // for, finds her gone and writes nothing of hers (it may never hear the change: stopped first).
    await there.flush();
    assert.equal(await historyRows(database.db, bea.id), 0);
    assert.equal(there.isGone(bea.id), true);
    assert.equal(await historyRows(database.db, keep.id), 1, "someone else's buffered request is written");
    // Once it reads the account change, her cached caller goes too, and nothing more is written.
    await changeFeedFor(other.db).read();
    assert.equal(await findUserCached(other.db)(bea.id), undefined);
    there.record(record(bea.id, '/api/me'));
    await there.flush();
    assert.equal(await historyRows(database.db, bea.id), 0);
    assert.equal(await there.admit(bea.id, 100), false, 'a request from a stale caller is refused, not left waiting');
    const counters = await database.db.selectFrom('api_usage_daily').select('requests').where('user_id', '=', bea.id).execute();
    assert.deepEqual(counters, []);
    assert.equal(await historyRows(database.db, keep.id), 1, "someone else's history stays");
  });
});

describe('migrations 0040 (change feed) and 0050/0051 (activity, diary note)', () => {
  test('a database that already ran 0050 and 0051 (main before the change feed) gets 0040 on upgrade', async () => {
    const database = await createTestDatabase({ migrate: false });
    try {
      const { db } = database;
      await migrateTo(db, '0030_client_registration');
      // What a Larder without the change feed had done: 0050 and 0051 applied, 0040 unknown to it.
      for (const [name, migration] of [['0050_activity', activity0050], ['0051_diary_note', diaryNote0051]] as const) {
        await migration.up(db as never);
        await sql`insert into kysely_migration (name, timestamp) values (${name}, ${new Date().toISOString()})`.execute(db);
      }
      // Later migrations (0060 on) are new to it as well; of those up to 0051 only 0040 is missing.
      assert.deepEqual((await migrateToLatest(db)).applied.filter((name) => name < '0052'), ['0040_change_feed']);
      assert.deepEqual((await migrateToLatest(db)).applied, []);
      await db.insertInto('change_feed').values({ kind: 'account', key: 'usr_x', created_at: Date.now() }).execute();
      await db.insertInto('api_requests').values({ user_id: 'usr_x', client_id: 'c', grant_id: null, method: 'GET', route: '/api/me', status: 200, duration_ms: 1, created_at: Date.now(), activity: '{"op":"getMe"}' }).execute();
      const names = (await sql<{ name: string }>`select name from kysely_migration order by name`.execute(db)).rows.map((r) => r.name);
      assert.deepEqual(names.filter((name) => name >= '0040' && name < '0052'), ['0040_change_feed', '0050_activity', '0051_diary_note']);
    } finally {
      await database.drop();
    }
  });

  test('a fresh database runs them in order', async () => {
    const database = await createTestDatabase({ migrate: false });
    try {
      const { applied } = await migrateToLatest(database.db);
      assert.deepEqual(applied.filter((name) => name >= '0040' && name < '0052'), ['0040_change_feed', '0050_activity', '0051_diary_note']);
      assert.deepEqual(applied, [...applied].sort(), 'in name order');
    } finally {
      await database.drop();
    }
  });
});
