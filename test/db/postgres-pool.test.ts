import assert from 'node:assert/strict';
import { test } from 'node:test';
import { sql } from 'kysely';
import { isDatabaseUnavailable } from '../../src/db/errors.js';
import { createTestDatabase, testDatabaseKind } from '../helpers/db.js';
import { openThroughCutter } from '../helpers/pg-commit-cutter.js';

// The pool Kysely uses on PostgreSQL (src/db/postgres-pool.ts), with the connection cut under it.

const skip = testDatabaseKind() !== 'postgres' && 'PostgreSQL: a connection cut at COMMIT';

test('a transaction whose connection is cut fails with the error that says so, not the ROLLBACK after it; the pool goes on', { skip }, async (t) => {
  const database = await createTestDatabase();
  t.after(() => database.drop());
  const { db, cutter, close } = await openThroughCutter(database);
  t.after(() => close());

  cutter.cutNext('after');
  const failure = await db
    .transaction()
    .execute(async (trx) => {
      await trx.insertInto('rate_limits').values({ key: 'cut', count: 1, window_ends_at: 9_000_000_000_000 }).execute();
    })
    .then(
      () => undefined,
      (error: unknown) => error as Error,
    );
  assert.equal(cutter.cuts, 1);
  assert.ok(failure, 'the COMMIT whose answer was lost fails');
  assert.doesNotMatch(failure.message, /not queryable/, 'the ROLLBACK on the dead connection does not replace the cause');
  assert.match(failure.message, /Connection terminated|ECONNRESET|read/i);
  assert.ok(isDatabaseUnavailable(failure), 'and it is known as the database being unavailable (answered 503)');
  // The server committed before the cut; the pool's next connection reads it.
  const rows = await sql<{ key: string }>`select key from rate_limits where key = 'cut'`.execute(db);
  assert.deepEqual(rows.rows, [{ key: 'cut' }]);
});

test('a transaction chosen to lose a deadlock is known as the database being unavailable for the moment (503), not a fault (500)', { skip }, async (t) => {
  const database = await createTestDatabase();
  t.after(() => database.drop());
  const { db } = database;
  await db.insertInto('rate_limits').values([{ key: 'a', count: 0, window_ends_at: 9_000_000_000_000 }, { key: 'b', count: 0, window_ends_at: 9_000_000_000_000 }]).execute();
  let bothHoldOne!: () => void;
  let held = 0;
  const bothHold = new Promise<void>((resolve) => (bothHoldOne = resolve));
  // Each locks one row, waits until the other holds its own, then asks for the other's.
  const crossing = (first: string, second: string) =>
    db.transaction().execute(async (trx) => {
      await trx.updateTable('rate_limits').set({ count: 1 }).where('key', '=', first).execute();
      if (++held === 2) bothHoldOne();
      await bothHold;
      await trx.updateTable('rate_limits').set({ count: 2 }).where('key', '=', second).execute();
    });
  const results = await Promise.allSettled([crossing('a', 'b'), crossing('b', 'a')]);
  const lost = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
  assert.equal(lost.length, 1, 'PostgreSQL breaks the deadlock by failing one of the two');
  assert.equal((lost[0]!.reason as { code?: string }).code, '40P01');
  assert.ok(isDatabaseUnavailable(lost[0]!.reason));
});
