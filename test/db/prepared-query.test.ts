import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { test } from 'node:test';
import { preparedQuery } from '../../src/db/prepared-query.js';
import { createTestDatabase } from '../helpers/db.js';

// The prepared queries of the hot paths (src/db/prepared-query.ts), which on SQLite run
// straight on the connection when no transaction is open (src/db/statement-cache.ts).

const insertWindow = preparedQuery<unknown, [string, number]>((db, key, count) => db.insertInto('rate_limits').values({ key, count, window_ends_at: 9_000_000_000_000 }));
const readWindow = preparedQuery<{ key: string; count: number | string }, [string]>((db, key) => db.selectFrom('rate_limits').select(['key', 'count']).where('key', '=', key));
const bump = preparedQuery<unknown, [string]>((db, key) => db.updateTable('rate_limits').set((eb) => ({ count: eb('count', '+', 1) })).where('key', '=', key));

test('a prepared query answers as Kysely does: rows of a read, the count of rows a write changed', async (t) => {
  const database = await createTestDatabase();
  t.after(() => database.drop());
  const { db } = database;
  await insertWindow(db, 'k1', 3);
  const { rows } = await readWindow(db, 'k1');
  assert.deepEqual(rows.map((row) => [row.key, Number(row.count)]), [['k1', 3]]);
  assert.equal((await bump(db, 'k1')).numAffectedRows, 1n);
  assert.equal((await bump(db, 'missing')).numAffectedRows, 0n);
  assert.equal(Number((await readWindow(db, 'k1')).rows[0]!.count), 4);
  // A failing statement rejects (the caller's await throws); it does not throw synchronously.
  const duplicate = insertWindow(db, 'k1', 1);
  assert.ok(duplicate instanceof Promise);
  await assert.rejects(duplicate, /unique|duplicate/i);
});

test('a prepared query issued while another caller holds a transaction open is not part of that transaction', async (t) => {
  const database = await createTestDatabase();
  t.after(() => database.drop());
  const { db } = database;
  let outside: Promise<unknown> | undefined;
  await assert.rejects(
    db.transaction().execute(async (trx) => {
      await trx.insertInto('rate_limits').values({ key: 'inside', count: 1, window_ends_at: 9_000_000_000_000 }).execute();
      // Another request's write, made while this transaction is open and waiting.
      outside = insertWindow(db, 'outside', 1);
      await sleep(30);
      throw new Error('rolled back on purpose');
    }),
    /rolled back on purpose/,
  );
  await outside;
  // The transaction's own row went with its rollback; the other write was its own and stays.
  assert.equal((await readWindow(db, 'inside')).rows.length, 0);
  assert.equal((await readWindow(db, 'outside')).rows.length, 1);
});

test('inside a transaction a prepared query given the transaction runs in it', async (t) => {
  const database = await createTestDatabase();
  t.after(() => database.drop());
  const { db } = database;
  await assert.rejects(
    db.transaction().execute(async (trx) => {
      await insertWindow(trx, 'in-trx', 1);
      assert.equal((await readWindow(trx, 'in-trx')).rows.length, 1);
      throw new Error('rolled back on purpose');
    }),
    /rolled back on purpose/,
  );
  assert.equal((await readWindow(db, 'in-trx')).rows.length, 0);
});
