import assert from 'node:assert/strict';
import { test } from 'node:test';
import { sql } from 'kysely';
import type { Db } from '../../src/db/index.js';
import { migrateTo, migrateToLatest } from '../../src/db/migrate.js';
import { createKyselyAdapter } from '../../src/oauth/adapter.js';
import { createTestDatabase, testDatabaseKind } from '../helpers/db.js';

/** The definition of each of oauth_models' uid and user_code indexes, as the database keeps it. */
async function indexDefinitions(db: Db): Promise<Record<string, string>> {
  const names = ['oauth_models_uid', 'oauth_models_user_code'];
  const rows =
    testDatabaseKind() === 'postgres'
      ? (await sql<{ name: string; definition: string }>`select indexname as name, indexdef as definition from pg_indexes where schemaname = current_schema() and tablename = 'oauth_models'`.execute(db)).rows
      : (await sql<{ name: string; definition: string }>`select name, sql as definition from sqlite_master where type = 'index' and tbl_name = 'oauth_models'`.execute(db)).rows;
  return Object.fromEntries(rows.filter((row) => names.includes(row.name)).map((row) => [row.name, row.definition]));
}

test('migration 0070 makes the uid and user_code indexes partial; rows stored before stay findable by uid', async (t) => {
  const database = await createTestDatabase({ migrate: false });
  t.after(() => database.drop());
  const db = database.db;
  await migrateTo(db, '0060_search_misses');
  for (const definition of Object.values(await indexDefinitions(db))) assert.doesNotMatch(definition, /where/i);
  const Adapter = createKyselyAdapter(db);
  const exp = Math.floor(Date.now() / 1000) + 3600;
  await new Adapter('Session').upsert('session-cookie-value', { jti: 'session-cookie-value', kind: 'Session', uid: 'uid-1', accountId: 'a', exp }, 3600);
  await new Adapter('AccessToken').upsert('access-token-value', { jti: 'access-token-value', kind: 'AccessToken', grantId: 'g', exp }, 3600);

  const { applied } = await migrateToLatest(db);
  assert.ok(applied.includes('0070_oauth_partial_indexes'), applied.join(', '));
  const definitions = await indexDefinitions(db);
  assert.equal(Object.keys(definitions).length, 2);
  assert.match(definitions.oauth_models_uid!, /where.*uid.*is not null/i);
  assert.match(definitions.oauth_models_user_code!, /where.*user_code.*is not null/i);

  assert.equal((await new Adapter('Session').findByUid('uid-1'))?.accountId, 'a');
  assert.equal(await new Adapter('Session').findByUid('uid-2'), undefined);
  assert.equal((await new Adapter('AccessToken').find('access-token-value'))?.jti, 'access-token-value');
  await new Adapter('Session').upsert('second-cookie', { jti: 'second-cookie', kind: 'Session', uid: 'uid-2', accountId: 'b', exp }, 3600);
  assert.equal((await new Adapter('Session').findByUid('uid-2'))?.accountId, 'b');
  if (testDatabaseKind() === 'sqlite') {
    // The lookup by uid still goes through the index (uid = ? implies uid IS NOT NULL).
    const plan = await sql<{ detail: string }>`explain query plan select payload from oauth_models where model = ${'Session'} and uid = ${'uid-1'}`.execute(db);
    assert.ok(plan.rows.some((row) => /oauth_models_uid/.test(row.detail)), JSON.stringify(plan.rows));
  }
});
