import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import pg from 'pg';
import { openDatabase, type OpenedDatabase } from '../../src/db/index.js';
import { migrateToLatest } from '../../src/db/migrate.js';
import { testDatabaseKind } from '../helpers/db.js';
import { createPgCluster, findPostgresBinaries, type PgCluster } from '../helpers/pg-cluster.js';

// On a cluster of the test's own: the churn below would upset other people's schemas on a shared server.
const binaries = testDatabaseKind() === 'postgres' ? await findPostgresBinaries() : undefined;
const skip = testDatabaseKind() !== 'postgres' ? 'runs in the PostgreSQL pass' : typeof binaries === 'string' ? binaries : false;
if (skip && testDatabaseKind() === 'postgres' && process.env.CI === 'true') throw new Error(`cannot run under CI: ${skip}`);

let cluster: PgCluster;
let database: OpenedDatabase;
before(async () => {
  if (skip) return;
  cluster = await createPgCluster(binaries as Exclude<typeof binaries, string | undefined>);
  await cluster.start();
  database = await openDatabase({ kind: 'postgres', url: cluster.url(), schema: 'larder' });
});
after(async () => {
  await database?.close();
  await cluster?.destroy();
});

test('migrating on a server where other schemas come and go meanwhile does not fail (as tests and neighbours share one server)', { skip }, async () => {
  await migrateToLatest(database.db);
  let stop = false;
  let churned = 0;
  const churn = async () => {
    const client = new pg.Client({ connectionString: cluster.url() });
    await client.connect();
    while (!stop) {
      const name = `other_${Math.random().toString(36).slice(2, 10)}`;
      await client.query(`CREATE SCHEMA ${name}; CREATE TABLE ${name}.t (id serial PRIMARY KEY, a text)`);
      await client.query(`DROP SCHEMA ${name} CASCADE`);
      churned++;
    }
    await client.end();
  };
  const churners = [churn(), churn()];
  const failures: string[] = [];
  try {
    // As many migrations as it takes for plenty of schemas to come and go meanwhile
    // (a migration of an up-to-date database is quick), bounded in time.
    const deadline = Date.now() + 30_000;
    for (let run = 0; (run < 40 || churned <= 40) && Date.now() < deadline; run++) {
      try {
        await migrateToLatest(database.db);
      } catch (error) {
        failures.push((error as Error).message);
      }
    }
  } finally {
    stop = true;
    await Promise.all(churners);
  }
  assert.ok(churned > 40, `only ${churned} schemas came and went`);
  assert.deepEqual(failures, []);
});
