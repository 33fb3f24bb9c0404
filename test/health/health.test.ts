import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { sql } from 'kysely';
import { startTestServer, type TestServer } from '../helpers/server.js';

const get = async (base: string, path: string) => {
  const response = await fetch(base + path);
  return { status: response.status, headers: response.headers, body: (await response.json()) as Record<string, unknown> };
};

describe('health probes on a server with its catalog', () => {
  let t: TestServer;
  before(async () => {
    t = await startTestServer();
  });
  after(async () => t?.close());

  test('/livez says the process answers, and is never cached', async () => {
    const reply = await get(t.baseUrl, '/livez');
    assert.equal(reply.status, 200);
    assert.deepEqual(reply.body, { status: 'ok' });
    assert.equal(reply.headers.get('cache-control'), 'no-store');
  });

  test('/readyz is 200 with each check when the database answers, is migrated and the catalog is loaded', async () => {
    const reply = await get(t.baseUrl, '/readyz');
    assert.equal(reply.status, 200);
    assert.deepEqual(reply.body, { status: 'ready', checks: { database: 'ok', migrations: 'ok', catalog: 'ok' } });
    assert.equal(reply.headers.get('cache-control'), 'no-store');
  });

  test('/readyz is 503 while a migration this program knows has not run, and ready again once it has', async () => {
    const db = t.server.database.db;
    const { rows } = await sql<{ name: string; timestamp: string }>`select name, timestamp from kysely_migration order by name desc limit 1`.execute(db);
    const row = rows[0]!;
    await sql`delete from kysely_migration where name = ${row.name}`.execute(db);
    try {
      const reply = await get(t.baseUrl, '/readyz');
      assert.equal(reply.status, 503);
      assert.equal(reply.body.error, 'not_ready');
      assert.match(String(reply.body.error_description), new RegExp(`Migrations not yet run: ${row.name}`));
      assert.deepEqual(reply.body.checks, { database: 'ok', migrations: 'pending', catalog: 'ok' });
      assert.ok(reply.headers.get('retry-after'));
    } finally {
      await sql`insert into kysely_migration (name, timestamp) values (${row.name}, ${row.timestamp})`.execute(db);
    }
    assert.equal((await get(t.baseUrl, '/readyz')).status, 200);
  });

  test('/health is kept as it was', async () => {
    const reply = await get(t.baseUrl, '/health');
    assert.equal(reply.status, 200);
    assert.equal(reply.body.status, 'ok');
    assert.ok(Number(reply.body.foods) > 8000);
  });
});

test('/readyz is 503 while the catalog is empty, /livez still 200', async () => {
  const t = await startTestServer({ bundledCatalog: false });
  try {
    const ready = await get(t.baseUrl, '/readyz');
    assert.equal(ready.status, 503);
    assert.deepEqual(ready.body.checks, { database: 'ok', migrations: 'ok', catalog: 'empty' });
    assert.match(String(ready.body.error_description), /catalog is empty/);
    assert.equal((await get(t.baseUrl, '/livez')).status, 200);
  } finally {
    await t.close();
  }
});
