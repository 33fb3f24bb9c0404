import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { sql } from 'kysely';
import type { Db } from '../../src/db/index.js';
import { migrateTo, migrateToLatest } from '../../src/db/migrate.js';
import { createKyselyAdapter, hashModelId } from '../../src/oauth/adapter.js';
import { Visitor } from '../accounts/visitor.js';
import { createTestDatabase, testDatabaseKind } from '../helpers/db.js';
import { apiGet, GPT_CALLBACK, obtainCode, postForm, startOAuthTestServer, type OAuthTestServer } from './oauth-helpers.js';

/** Every text value of every row of every table, as one string per table. */
async function everyTableAsText(db: Db, kind: 'sqlite' | 'postgres'): Promise<Map<string, string>> {
  const names =
    kind === 'sqlite'
      ? (await sql<{ name: string }>`select name from sqlite_master where type = 'table'`.execute(db)).rows.map((r) => r.name)
      : (await sql<{ name: string }>`select table_name as name from information_schema.tables where table_schema = current_schema()`.execute(db)).rows.map((r) => r.name);
  const tables = new Map<string, string>();
  for (const name of names) {
    const { rows } = await sql<Record<string, unknown>>`select * from ${sql.table(name)}`.execute(db);
    tables.set(name, JSON.stringify(rows));
  }
  return tables;
}

describe('no token value at rest', () => {
  let server: OAuthTestServer;
  before(async () => {
    server = await startOAuthTestServer();
  });
  after(async () => {
    await server?.close();
  });

  test('after a full sign-in, refresh and introspection, no code, access token, refresh token or session cookie appears in any table or in the SQLite files', async () => {
    const { client, clientSecret } = await server.createClient();
    const visitor = new Visitor(server.baseUrl);
    const { code } = await obtainCode(server, visitor, { response_type: 'code', client_id: client.clientId, redirect_uri: GPT_CALLBACK, state: 'at-rest', scope: '' });
    const credentials = { client_id: client.clientId, client_secret: clientSecret! };
    const first = await postForm(server.baseUrl, '/oauth/token', { grant_type: 'authorization_code', code, redirect_uri: GPT_CALLBACK, ...credentials });
    assert.equal(first.status, 200, JSON.stringify(first.body));
    const refreshed = await postForm(server.baseUrl, '/oauth/token', { grant_type: 'refresh_token', refresh_token: String(first.body.refresh_token), ...credentials });
    assert.equal(refreshed.status, 200, JSON.stringify(refreshed.body));
    // Everything still works by the presented value: the API, introspection, revocation.
    assert.equal((await apiGet(server.baseUrl, '/api/me', String(refreshed.body.access_token))).status, 200);
    const introspected = await postForm(server.baseUrl, '/oauth/introspect', { token: String(refreshed.body.access_token), ...credentials });
    assert.equal(introspected.body.active, true);

    const secrets: Record<string, string> = {
      code,
      'first access token': String(first.body.access_token),
      'first refresh token': String(first.body.refresh_token),
      'second access token': String(refreshed.body.access_token),
      'second refresh token': String(refreshed.body.refresh_token),
    };
    for (const [name, value] of visitor.cookies) if (name.startsWith('_larder') || name === 'larder_session') secrets[`cookie ${name}`] = value.split('.')[0]!;
    assert.ok(Object.keys(secrets).some((k) => k.startsWith('cookie _larder_oauth_session')), 'the provider session cookie was set');

    const db = server.server.database.db;
    const tables = await everyTableAsText(db, testDatabaseKind());
    assert.ok(tables.has('oauth_models') && tables.get('oauth_models')!.length > 100);
    for (const [table, text] of tables) {
      for (const [what, value] of Object.entries(secrets)) assert.ok(!text.includes(value), `the ${what} is stored in ${table}`);
    }
    if (testDatabaseKind() === 'sqlite') {
      await sql`pragma wal_checkpoint(TRUNCATE)`.execute(db);
      const file = server.database.config.kind === 'sqlite' ? server.database.config.file : '';
      for (const path of [file, `${file}-wal`].filter((p) => existsSync(p))) {
        const bytes = readFileSync(path);
        for (const [what, value] of Object.entries(secrets)) assert.equal(bytes.indexOf(value), -1, `the ${what} is in ${path}`);
      }
    }

    // Reuse detection and revocation still find the rows.
    const reused = await postForm(server.baseUrl, '/oauth/token', { grant_type: 'refresh_token', refresh_token: String(first.body.refresh_token), ...credentials });
    assert.equal(reused.body.error, 'invalid_grant');
    assert.equal((await apiGet(server.baseUrl, '/api/me', String(refreshed.body.access_token))).status, 401, 'reuse revoked the whole grant');
  });
});

describe('migration 0020 re-keys rows stored before it', () => {
  test('tokens stored under their raw value keep working, and their values are gone from the table', async (t) => {
    const database = await createTestDatabase({ migrate: false });
    t.after(() => database.drop());
    const db = database.db;
    // The schema as it was before 0020 (the migrations up to 0011), and rows as the old adapter stored them.
    const upTo = await migrateTo(db, '0011_usage_counts');
    assert.equal(upTo.applied.at(-1), '0011_usage_counts');
    const exp = Math.floor(Date.now() / 1000) + 3600;
    const rows = [
      { model: 'AccessToken', id: 'old-access-token-value', payload: { jti: 'old-access-token-value', kind: 'AccessToken', grantId: 'grant-1', exp } },
      { model: 'RefreshToken', id: 'old-refresh-token-value', payload: { jti: 'old-refresh-token-value', kind: 'RefreshToken', grantId: 'grant-1', exp } },
      { model: 'Interaction', id: 'old-interaction', payload: { jti: 'old-interaction', kind: 'Interaction', session: { accountId: 'a', uid: 'u', cookie: 'old-session-cookie' }, exp } },
      { model: 'Session', id: 'old-session-cookie', payload: { jti: 'old-session-cookie', kind: 'Session', uid: 'u', accountId: 'a', exp } },
      { model: 'Grant', id: 'grant-1', payload: { jti: 'grant-1', kind: 'Grant', accountId: 'a', clientId: 'c', exp } },
    ];
    for (const row of rows) {
      await (db as Db)
        .insertInto('oauth_models')
        .values({ model: row.model, id: row.id, payload: JSON.stringify(row.payload), grant_id: (row.payload as { grantId?: string }).grantId ?? null, user_code: null, uid: null, expires_at: exp, consumed_at: null })
        .execute();
    }
    await migrateToLatest(db);

    const text = JSON.stringify(await (db as Db).selectFrom('oauth_models').selectAll().execute());
    for (const value of ['old-access-token-value', 'old-refresh-token-value', 'old-session-cookie', 'old-interaction']) assert.ok(!text.includes(value), `${value} is still stored`);
    assert.ok(text.includes('grant-1'), 'grant ids stay: they are handles');
    const Adapter = createKyselyAdapter(db as Db);
    assert.deepEqual(await new Adapter('AccessToken').find('old-access-token-value'), rows[0]!.payload);
    assert.equal((await new Adapter('RefreshToken').find('old-refresh-token-value'))?.jti, 'old-refresh-token-value');
    assert.deepEqual(await new Adapter('Interaction').find('old-interaction'), { jti: 'old-interaction', kind: 'Interaction', session: { accountId: 'a', uid: 'u' }, exp });
    assert.equal((await new Adapter('Session').find('old-session-cookie'))?.accountId, 'a');
    assert.ok(await new Adapter('Grant').find('grant-1'));
    const stored = await (db as Db).selectFrom('oauth_models').select('id').where('model', '=', 'AccessToken').executeTakeFirstOrThrow();
    assert.equal(stored.id, hashModelId('old-access-token-value'));
    // Revocation by grant still reaches the re-keyed tokens.
    await new Adapter('AccessToken').revokeByGrantId('grant-1');
    assert.equal(await new Adapter('AccessToken').find('old-access-token-value'), undefined);
  });
});

