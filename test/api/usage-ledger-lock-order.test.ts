import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createUser } from '../../src/accounts/users.js';
import { UsageLedger } from '../../src/api/usage-ledger.js';
import { utcDayKey } from '../../src/api/usage.js';
import { openDatabase } from '../../src/db/index.js';
import { createTestDatabase, testDatabaseKind } from '../helpers/db.js';

// Two instances' ledgers (src/api/usage-ledger.ts) claiming quota for the same people at once.

const skip = testDatabaseKind() !== 'postgres' && 'PostgreSQL: row locks taken by two transactions at once';

test('two instances claiming for the same people in opposite orders do not deadlock: every admission is answered', { skip }, async (t) => {
  const database = await createTestDatabase();
  t.after(() => database.drop());
  const other = await openDatabase(database.config);
  t.after(() => other.close());
  const errors: unknown[] = [];
  const here = new UsageLedger(database.db, { flushMs: 600_000, onError: (e) => errors.push(e) });
  const there = new UsageLedger(other.db, { flushMs: 600_000, onError: (e) => errors.push(e) });
  t.after(async () => {
    await here.close();
    await there.close();
  });
  const day = utcDayKey(new Date());
  for (let round = 0; round < 5; round++) {
    const people: string[] = [];
    for (let i = 0; i < 6; i++) people.push((await createUser(database.db, { email: `p${round}-${i}@example.com`, password: 'a long enough password' })).id);
    await database.db.insertInto('api_usage_daily').values(people.map((user_id) => ({ user_id, day, requests: 0 }))).execute();
    // Each instance's first request for each person waits for a claim: one flush an instance
    // claims for all of them, here in one order, there in the other.
    const admitted = await Promise.allSettled([...people.map((id) => here.admit(id, 1_000_000)), ...[...people].reverse().map((id) => there.admit(id, 1_000_000))]);
    const failures = admitted.filter((r) => r.status === 'rejected').map((r) => String((r as PromiseRejectedResult).reason));
    assert.deepEqual(failures, [], `round ${round}`);
    assert.ok(admitted.every((r) => r.status === 'fulfilled' && r.value === true));
  }
  assert.deepEqual(errors.map(String), []);
});
