import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { sql } from 'kysely';
import Database from 'better-sqlite3';
import Provider from 'oidc-provider';
import { openDatabase, type Db } from '../../src/db/index.js';
import { createKyselyAdapter, hashModelId, type OidcAdapter } from '../../src/oauth/adapter.js';
import { settleTokenWrites, tokenWriteBatch } from '../../src/oauth/token-writes.js';
import { createTestDatabase, testDatabaseKind, type TestDatabase } from '../helpers/db.js';
import { openThroughCutter } from '../helpers/pg-commit-cutter.js';

// The token endpoint's writes: a group commit (src/oauth/token-writes.ts), straight on the
// connection on SQLite, one Kysely transaction a batch on PostgreSQL.

const databases: TestDatabase[] = [];
after(async () => {
  await Promise.all(databases.map((d) => d.drop()));
});

async function freshDatabase(): Promise<TestDatabase> {
  const database = await createTestDatabase();
  databases.push(database);
  return database;
}

async function storedIds(database: TestDatabase, model: string): Promise<string[]> {
  const rows = await database.db.selectFrom('oauth_models').select('id').where('model', '=', model).execute();
  return rows.map((r) => r.id).sort();
}

/** Runs `body` while PostgreSQL holds up, by half a second each, the inserts of rows whose payload says "slow-save". */
async function withSlowSaves(db: Db, body: () => Promise<void>): Promise<void> {
  await sql`CREATE FUNCTION larder_test_slow_insert() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN PERFORM pg_sleep(0.5); RETURN NEW; END $$`.execute(db);
  await sql`CREATE TRIGGER larder_test_slow_insert BEFORE INSERT ON oauth_models FOR EACH ROW WHEN (NEW.payload LIKE '%slow-save%') EXECUTE FUNCTION larder_test_slow_insert()`.execute(db);
  try {
    await body();
  } finally {
    await sql`DROP TRIGGER larder_test_slow_insert ON oauth_models`.execute(db);
    await sql`DROP FUNCTION larder_test_slow_insert()`.execute(db);
  }
}

describe('token writes', () => {
  test('a queued write is seen by finds in this process at once, and is in the database when its promise resolves', async () => {
    const database = await freshDatabase();
    const Adapter = createKyselyAdapter(database.db);
    const tokens = new Adapter('RefreshToken');
    const stored = tokens.upsert('rt-1', { jti: 'rt-1', grantId: 'g-1' }, 600);
    assert.deepEqual(await tokens.find('rt-1'), { jti: 'rt-1', grantId: 'g-1' });
    const consumed = tokens.consume('rt-1');
    assert.equal(typeof (await tokens.find('rt-1'))?.consumed, 'number', 'the queued consume is seen');
    await Promise.all([stored, consumed]);
    const [row] = await database.db.selectFrom('oauth_models').select(['id', 'consumed_at']).where('model', '=', 'RefreshToken').execute();
    assert.equal(row?.id, hashModelId('rt-1'));
    assert.notEqual(row?.consumed_at, null);
    // Consumed again (the queue is empty now, the database answers): refused.
    await assert.rejects(tokens.consume('rt-1'), { error: 'invalid_grant' });
  });

  test('two consumes of one code queued together: the first wins, the second is refused and revokes the grant', async () => {
    const database = await freshDatabase();
    const Adapter = createKyselyAdapter(database.db);
    const grants = new Adapter('Grant');
    const codes = new Adapter('AuthorizationCode');
    const tokens = new Adapter('AccessToken');
    await grants.upsert('g-1', { jti: 'g-1' }, 600);
    await codes.upsert('c-1', { jti: 'c-1', grantId: 'g-1' }, 60);
    await tokens.upsert('at-0', { jti: 'at-0', grantId: 'g-1' }, 60);
    const [first, second] = await Promise.allSettled([codes.consume('c-1'), codes.consume('c-1')]);
    assert.equal(first.status, 'fulfilled');
    assert.equal(second.status, 'rejected');
    assert.equal((second as PromiseRejectedResult).reason.error, 'invalid_grant');
    assert.deepEqual(await storedIds(database, 'AccessToken'), [], 'the grant is revoked');
    assert.deepEqual(await storedIds(database, 'Grant'), []);
  });

  test('a write that fails rejects only itself; the writes queued with it are stored', async () => {
    const database = await freshDatabase();
    if (testDatabaseKind() === 'sqlite') {
      await sql`CREATE TRIGGER poison BEFORE INSERT ON oauth_models WHEN NEW.payload LIKE '%poison%' BEGIN SELECT RAISE(ABORT, 'poisoned row'); END`.execute(database.db);
    } else {
      await sql`CREATE FUNCTION poison() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN IF NEW.payload LIKE '%poison%' THEN RAISE EXCEPTION 'poisoned row'; END IF; RETURN NEW; END $$`.execute(database.db);
      await sql`CREATE TRIGGER poison BEFORE INSERT ON oauth_models FOR EACH ROW EXECUTE FUNCTION poison()`.execute(database.db);
    }
    const Adapter = createKyselyAdapter(database.db);
    const tokens = new Adapter('AccessToken');
    const results = await Promise.allSettled(['a', 'b', 'poison', 'c'].map((id) => tokens.upsert(id, { jti: id, note: id }, 60)));
    assert.deepEqual(
      results.map((r) => r.status),
      ['fulfilled', 'fulfilled', 'rejected', 'fulfilled'],
    );
    assert.match(String((results[2] as PromiseRejectedResult).reason), /poisoned row/);
    assert.deepEqual(await storedIds(database, 'AccessToken'), ['a', 'b', 'c'].map(hashModelId).sort());
    assert.equal(await tokens.find('poison'), undefined, 'the failed write is not seen');
    // And the next batch works as before.
    await tokens.upsert('d', { jti: 'd' }, 60);
    assert.deepEqual(await tokens.find('d'), { jti: 'd' });
  });

  test('writes queued while another transaction is open wait for it and are not part of it', async () => {
    const database = await freshDatabase();
    const Adapter = createKyselyAdapter(database.db);
    const tokens = new Adapter('AccessToken');
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let queued: Promise<void[]> | undefined;
    const rolledBack = database.db
      .transaction()
      .execute(async (trx) => {
        await trx.insertInto('oauth_models').values({ model: 'Grant', id: 'doomed', payload: '{}' }).execute();
        queued = Promise.all(['x', 'y'].map((id) => tokens.upsert(id, { jti: id }, 60)));
        await new Promise((resolve) => setTimeout(resolve, 20));
        release();
        throw new Error('roll back');
      })
      .catch((error: unknown) => error);
    await held;
    assert.match(String(await rolledBack), /roll back/);
    await queued;
    assert.deepEqual(await storedIds(database, 'AccessToken'), ['x', 'y'].map(hashModelId).sort());
    assert.deepEqual(await storedIds(database, 'Grant'), [], 'the other transaction rolled back alone');
  });

  test('a process killed before its batch commits leaves no token; one that was told about its token leaves it', async () => {
    const database = await freshDatabase();
    const adapterUrl = new URL('../../src/oauth/adapter.js', import.meta.url).href;
    const dbUrl = new URL('../../src/db/index.js', import.meta.url).href;
    const child = async (tell: boolean): Promise<string> => {
      const script = `
        const { openDatabase } = await import(${JSON.stringify(dbUrl)});
        const { createKyselyAdapter } = await import(${JSON.stringify(adapterUrl)});
        const { db } = await openDatabase(JSON.parse(process.env.DB_CONFIG));
        const tokens = new (createKyselyAdapter(db))('AccessToken');
        const stored = tokens.upsert(${JSON.stringify(tell ? 'told' : 'untold')}, { jti: 'x' }, 600);
        if (${tell}) { await stored; process.stdout.write('told\\n'); }
        process.kill(process.pid, 'SIGKILL');
      `;
      const proc = spawn(process.execPath, ['--input-type=module', '-e', script], { env: { ...process.env, DB_CONFIG: JSON.stringify(database.config) }, stdio: ['ignore', 'pipe', 'inherit'] });
      let out = '';
      proc.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
      const signal = await new Promise<NodeJS.Signals | null>((resolve) => proc.on('exit', (_code, s) => resolve(s)));
      assert.equal(signal, 'SIGKILL');
      return out;
    };
    assert.equal(await child(false), '');
    assert.deepEqual(await storedIds(database, 'AccessToken'), [], 'nothing stored that nobody was told about');
    assert.equal(await child(true), 'told\n');
    assert.deepEqual(await storedIds(database, 'AccessToken'), [hashModelId('told')]);
  });

  test('on SQLite the writes of one turn share one batch', { skip: testDatabaseKind() !== 'sqlite' && 'SQLite: the batch commits in one turn, so the read below comes before it' }, async () => {
    const database = await freshDatabase();
    assert.ok(tokenWriteBatch(database.db));
    const Adapter = createKyselyAdapter(database.db);
    const tokens = new Adapter('AccessToken');
    const pending = ['p', 'q'].map((id) => tokens.upsert(id, { jti: id }, 60));
    // Not committed yet: another connection's read sees nothing until the next turn.
    assert.deepEqual(await storedIds(database, 'AccessToken'), []);
    await settleTokenWrites(database.db);
    assert.deepEqual(await storedIds(database, 'AccessToken'), ['p', 'q'].map(hashModelId).sort());
    await Promise.all(pending);
  });
});

describe('token writes whose COMMIT fails', () => {
  /** Stored ids of the model, and whether the code is consumed, read from the database itself. */
  const consumedAt = async (database: TestDatabase, model: string, id: string) =>
    (await database.db.selectFrom('oauth_models').select('consumed_at').where('model', '=', model).where('id', '=', hashModelId(id)).executeTakeFirst())?.consumed_at;

  test('a COMMIT refused by a deferred constraint: nothing landed, the writes run again one by one and only the offending one fails', async () => {
    const database = await freshDatabase();
    await sql`CREATE TABLE orphan_parent (id text PRIMARY KEY)`.execute(database.db);
    await sql`CREATE TABLE orphan_child (parent text REFERENCES orphan_parent (id) DEFERRABLE INITIALLY DEFERRED)`.execute(database.db);
    if (testDatabaseKind() === 'sqlite') {
      await sql`CREATE TRIGGER orphan AFTER INSERT ON oauth_models WHEN NEW.payload LIKE '%orphan%' BEGIN INSERT INTO orphan_child VALUES ('none'); END`.execute(database.db);
    } else {
      await sql`CREATE FUNCTION orphan() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN IF NEW.payload LIKE '%orphan%' THEN INSERT INTO orphan_child VALUES ('none'); END IF; RETURN NEW; END $$`.execute(database.db);
      await sql`CREATE TRIGGER orphan AFTER INSERT ON oauth_models FOR EACH ROW EXECUTE FUNCTION orphan()`.execute(database.db);
    }
    const Adapter = createKyselyAdapter(database.db);
    const grants: OidcAdapter = new Adapter('Grant');
      const codes: OidcAdapter = new Adapter('AuthorizationCode');
      const tokens: OidcAdapter = new Adapter('AccessToken');
    await grants.upsert('g-1', { jti: 'g-1' }, 600);
    await codes.upsert('c-1', { jti: 'c-1', grantId: 'g-1' }, 60);
    // One batch: the code consumed, a token stored, and a row whose insert the COMMIT refuses.
    const results = await Promise.allSettled([codes.consume('c-1'), tokens.upsert('at-1', { jti: 'at-1', grantId: 'g-1' }, 60), tokens.upsert('orphan', { jti: 'orphan', grantId: 'g-1', note: 'orphan' }, 60)]);
    assert.deepEqual(
      results.map((r) => r.status),
      ['fulfilled', 'fulfilled', 'rejected'],
      String((results.find((r) => r.status === 'rejected' && !String(r.reason).match(/foreign key|FOREIGN KEY/)) as PromiseRejectedResult | undefined)?.reason ?? ''),
    );
    assert.notEqual(await consumedAt(database, 'AuthorizationCode', 'c-1'), null, 'the code is consumed once, by the write run again');
    assert.deepEqual(await storedIds(database, 'AccessToken'), [hashModelId('at-1')]);
    assert.deepEqual(await storedIds(database, 'Grant'), ['g-1'], 'not taken for a replay');
  });

  test('a batch locked out by another process (SQLITE_BUSY past busy_timeout) fails once, as the database being busy: its writes are not each run again to wait as long', { skip: testDatabaseKind() !== 'sqlite' && 'SQLite: another connection holding the write lock' }, async () => {
    const database = await freshDatabase();
    const { file } = database.config as { file: string };
    // Another process holds the write lock (a CLI command, a backup) for longer than busy_timeout.
    const other = new Database(file);
    const { db, close } = await openDatabase({ kind: 'sqlite', file }, { timeouts: { connectMs: 200, statementMs: 1000 } });
    try {
      other.exec('BEGIN IMMEDIATE');
      const Adapter = createKyselyAdapter(db);
      const tokens: OidcAdapter = new Adapter('AccessToken');
      const results = await Promise.allSettled(['at-1', 'at-2', 'at-3', 'at-4', 'at-5'].map((id) => tokens.upsert(id, { jti: id, grantId: 'g-1' }, 60)));
      assert.deepEqual(results.map((r) => r.status), ['rejected', 'rejected', 'rejected', 'rejected', 'rejected']);
      const reasons = new Set(results.map((r) => (r as PromiseRejectedResult).reason as { code?: string }));
      assert.equal([...reasons][0]?.code, 'SQLITE_BUSY');
      // Each write tried alone would wait busy_timeout again (synchronously, the event loop stopped), one error each.
      assert.equal(reasons.size, 1, 'one wait for the lock, one error for the batch');
    } finally {
      other.exec('ROLLBACK');
      other.close();
      await close();
    }
    assert.deepEqual(await storedIds(database, 'AccessToken'), []);
  });

  /** The adapters of a code exchange over `db`, with grant g-1 stored. */
  const grantOver = async (db: Db) => {
    const Adapter = createKyselyAdapter(db);
    const codes: OidcAdapter = new Adapter('AuthorizationCode');
    const tokens: OidcAdapter = new Adapter('AccessToken');
    await new Adapter('Grant').upsert('g-1', { jti: 'g-1' }, 600);
    return { codes, tokens };
  };

  const pgOnly = testDatabaseKind() !== 'postgres' && 'PostgreSQL: a COMMIT whose answer is lost with the connection';
  test('a COMMIT that landed but whose answer was lost: the batch is read back, not run again, so a consumed code is not taken for a replay', { skip: pgOnly }, async () => {
    const database = await freshDatabase();
    const { db, cutter, close } = await openThroughCutter(database);
    try {
      const { codes, tokens } = await grantOver(db);
      for (const id of ['c-1', 'c-2', 'c-3']) await codes.upsert(id, { jti: id, grantId: 'g-1' }, 60);

      // The code exchange's batch: the code consumed and the token stored, committed, the answer cut.
      cutter.cutNext('after');
      const exchanged = await Promise.allSettled([codes.consume('c-1'), tokens.upsert('at-1', { jti: 'at-1', grantId: 'g-1' }, 60)]);
      assert.equal(cutter.cuts, 1);
      assert.deepEqual(exchanged.map((r) => (r.status === 'rejected' ? String(r.reason) : r.status)), ['fulfilled', 'fulfilled']);
      assert.deepEqual(await storedIds(database, 'Grant'), ['g-1'], 'the grant is not revoked for a lost answer');
      assert.deepEqual(await storedIds(database, 'AccessToken'), [hashModelId('at-1')]);
      assert.notEqual(await consumedAt(database, 'AuthorizationCode', 'c-1'), null);

      // A consume alone (one write goes as its own autocommit, committed as the statement
      // ends): no row to read back by, so it fails as a database error, not as a replay.
      cutter.cutNext('after', /^update "oauth_models" set "consumed_at"/);
      const [alone] = await Promise.allSettled([codes.consume('c-2')]);
      assert.equal(cutter.cuts, 2);
      assert.equal(alone!.status, 'rejected');
      assert.notEqual((alone as PromiseRejectedResult).reason?.error, 'invalid_grant', String((alone as PromiseRejectedResult).reason));
      assert.deepEqual(await storedIds(database, 'Grant'), ['g-1']);

      // A token stored alone, committed, the answer cut: read back, it resolves.
      cutter.cutNext('after', /insert into "oauth_models"/i);
      const [stored] = await Promise.allSettled([tokens.upsert('at-2', { jti: 'at-2', grantId: 'g-1' }, 60)]);
      assert.equal(cutter.cuts, 3);
      assert.equal(stored!.status, 'fulfilled', String((stored as PromiseRejectedResult).reason));

      // A COMMIT that never reached the server: nothing landed, and the writes run again.
      cutter.cutNext('before');
      const again = await Promise.allSettled([codes.consume('c-3'), tokens.upsert('at-3', { jti: 'at-3', grantId: 'g-1' }, 60)]);
      assert.equal(cutter.cuts, 4);
      assert.deepEqual(again.map((r) => (r.status === 'rejected' ? String(r.reason) : r.status)), ['fulfilled', 'fulfilled']);
      assert.deepEqual(await storedIds(database, 'AccessToken'), [hashModelId('at-1'), hashModelId('at-2'), hashModelId('at-3')].sort());
      assert.notEqual(await consumedAt(database, 'AuthorizationCode', 'c-3'), null);
      assert.deepEqual(await storedIds(database, 'Grant'), ['g-1']);
    } finally {
      await close();
    }
  });

  test('a connection cut while the server is still committing: the read-back waits for that transaction, so a code it consumed is not taken for a replay', { skip: pgOnly }, async () => {
    const database = await freshDatabase();
    // A COMMIT that takes half a second on the server and tells the client it has begun (the
    // NOTICE, flushed at once): the relay cuts the connection at that first answer, while the
    // server has yet to commit, as a network fault or a synchronous standby's wait can.
    await sql`CREATE FUNCTION slow_commit() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE NOTICE 'committing'; PERFORM pg_sleep(0.5); RETURN NULL; END $$`.execute(database.db);
    await sql`CREATE CONSTRAINT TRIGGER slow_commit AFTER INSERT ON oauth_models DEFERRABLE INITIALLY DEFERRED FOR EACH ROW WHEN (NEW.payload LIKE '%slowcommit%') EXECUTE FUNCTION slow_commit()`.execute(database.db);
    const { db, cutter, close } = await openThroughCutter(database);
    try {
      const { codes, tokens } = await grantOver(db);
      await codes.upsert('c-1', { jti: 'c-1', grantId: 'g-1' }, 60);

      cutter.cutNext('after');
      const exchanged = await Promise.allSettled([codes.consume('c-1'), tokens.upsert('at-1', { jti: 'at-1', grantId: 'g-1', note: 'slowcommit' }, 60)]);
      assert.equal(cutter.cuts, 1);
      assert.deepEqual(exchanged.map((r) => (r.status === 'rejected' ? String(r.reason) : r.status)), ['fulfilled', 'fulfilled']);
      assert.deepEqual(await storedIds(database, 'Grant'), ['g-1'], 'the grant is not revoked for a lost answer');
      assert.deepEqual(await storedIds(database, 'AccessToken'), [hashModelId('at-1')]);
      assert.notEqual(await consumedAt(database, 'AuthorizationCode', 'c-1'), null);
    } finally {
      await close();
    }
  });
});

describe('token writes with a real oidc-provider', () => {
  let database: TestDatabase;
  let server: http.Server;
  let provider: Provider;
  let issuer: string;
  const clientId = 'batch-client';
  const clientSecret = randomBytes(24).toString('base64url');
  const redirectUri = 'https://client.example/callback';

  before(async () => {
    database = await freshDatabase();
    server = http.createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    provider = new Provider(issuer, {
      adapter: createKyselyAdapter(database.db),
      clients: [{ client_id: clientId, client_secret: clientSecret, redirect_uris: [redirectUri], grant_types: ['authorization_code', 'refresh_token'], response_types: ['code'] }],
      jwks: { keys: [{ ...privateKey.export({ format: 'jwk' }), kid: 'test-rs256', alg: 'RS256', use: 'sig' }] },
      cookies: { keys: [randomBytes(32).toString('base64url')] },
      features: { devInteractions: { enabled: false } },
      pkce: { required: () => false },
      findAccount: async (_ctx, sub) => ({ accountId: sub, claims: async () => ({ sub }) }),
      issueRefreshToken: async () => true,
      rotateRefreshToken: () => true,
    });
    server.on('request', provider.callback());
  });

  after(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  async function mintCode(): Promise<{ code: string; grantId: string }> {
    const grant = new provider.Grant({ accountId: 'user-1', clientId });
    grant.addOIDCScope('openid');
    const grantId = await grant.save();
    const AuthorizationCode = provider.AuthorizationCode as unknown as new (payload: object) => { save(): Promise<string> };
    const code = await new AuthorizationCode({ accountId: 'user-1', clientId, grantId, redirectUri, scope: 'openid', authTime: Math.floor(Date.now() / 1000) }).save();
    return { code, grantId };
  }

  async function token(body: Record<string, string>): Promise<{ status: number; json: Record<string, unknown> }> {
    const response = await fetch(`${issuer}/token`, {
      method: 'POST',
      headers: { authorization: `Basic ${Buffer.from(`${clientId}:${clientSecret}`).toString('base64')}`, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(body),
    });
    return { status: response.status, json: (await response.json()) as Record<string, unknown> };
  }

  test('settling waits for a batch already on its way as well as the open one: a revocation after it leaves no token of the grant', { skip: testDatabaseKind() !== 'postgres' && 'PostgreSQL: two batches on their way at once' }, async () => {
    const database = await freshDatabase();
    const db = database.db;
    // Batch A (one access token's save) is held up in PostgreSQL for half a second.
    await withSlowSaves(db, async () => {
      const Adapter = createKyselyAdapter(db);
      const tokens = new Adapter('AccessToken');
      const slow = tokens.upsert('at-slow', { jti: 'at-slow', grantId: 'g-1', marker: 'slow-save' }, 600);
      await new Promise((resolve) => setTimeout(resolve, 50)); // A is on its way
      const fast = tokens.upsert('at-fast', { jti: 'at-fast', grantId: 'g-1' }, 600); // the open batch
      await settleTokenWrites(db); // what a revocation awaits before it deletes the grant's rows
      assert.deepEqual(await storedIds(database, 'AccessToken'), [hashModelId('at-fast'), hashModelId('at-slow')].sort(), 'both saves committed when settled');
      await db.deleteFrom('oauth_models').where('grant_id', '=', 'g-1').execute();
      await Promise.all([slow, fast]);
      assert.deepEqual(await storedIds(database, 'AccessToken'), [], 'nothing of the revoked grant lands after the revocation');
    });
  });

  test('a batch that writes a row a batch on its way writes waits for it: a refresh token consumed while its save is still on its way is consumed, not refused', { skip: testDatabaseKind() !== 'postgres' && 'PostgreSQL: two batches on their way at once' }, async () => {
    const database = await freshDatabase();
    const db = database.db;
    await withSlowSaves(db, async () => {
      const Adapter = createKyselyAdapter(db);
      const tokens = new Adapter('RefreshToken');
      const saved = tokens.upsert('rt-slow', { jti: 'rt-slow', grantId: 'g-1', marker: 'slow-save' }, 600);
      await new Promise((resolve) => setTimeout(resolve, 50)); // the save is on its way
      // Run beside it, the consume's UPDATE would find no committed row and be taken for a replay.
      await tokens.consume('rt-slow');
      await saved;
      const [row] = await db.selectFrom('oauth_models').select('consumed_at').where('model', '=', 'RefreshToken').execute();
      assert.notEqual(row?.consumed_at ?? null, null, 'consumed after the save committed');
    });
  });

  test('concurrent exchanges and refreshes all succeed, and every token answered is stored', async () => {
    const minted = await Promise.all(Array.from({ length: 24 }, mintCode));
    const exchanged = await Promise.all(minted.map(({ code }) => token({ grant_type: 'authorization_code', code, redirect_uri: redirectUri })));
    for (const answer of exchanged) assert.equal(answer.status, 200, JSON.stringify(answer.json));
    const refreshed = await Promise.all(exchanged.map((answer) => token({ grant_type: 'refresh_token', refresh_token: String(answer.json.refresh_token) })));
    for (const answer of refreshed) assert.equal(answer.status, 200, JSON.stringify(answer.json));
    const access = await storedIds(database, 'AccessToken');
    for (const answer of [...exchanged, ...refreshed]) assert.ok(access.includes(hashModelId(String(answer.json.access_token))));
    const refresh = await storedIds(database, 'RefreshToken');
    for (const answer of refreshed) assert.ok(refresh.includes(hashModelId(String(answer.json.refresh_token))));
  });

  test('a code raced by two requests leaves no live token of the revoked grant: the winner\'s tokens, saved after the revoke, are swept', async () => {
    let raced = 0;
    const survivors: string[] = [];
    for (let i = 0; i < 10; i++) {
      const { code, grantId } = await mintCode();
      const answers = await Promise.all([0, 1].map(() => token({ grant_type: 'authorization_code', code, redirect_uri: redirectUri })));
      const ok = answers.filter((a) => a.status === 200);
      if (ok.length !== 1) continue;
      raced++;
      await settleTokenWrites(database.db);
      // The first sweep runs 100 ms after the refusal.
      await new Promise((resolve) => setTimeout(resolve, 400));
      const at = String(ok[0]!.json.access_token);
      const grant = await database.db.selectFrom('oauth_models').select('id').where('model', '=', 'Grant').where('id', '=', grantId).executeTakeFirst();
      assert.equal(grant, undefined, 'the raced grant is revoked');
      if (await provider.AccessToken.find(at)) survivors.push(at.slice(0, 6));
    }
    assert.ok(raced > 0, 'at least one race had one winner');
    assert.deepEqual(survivors, [], `of ${raced} raced codes, the winner's access token outlived the revoked grant`);
  });

  test('a replayed code fails and revokes its grant; the same code sent twice at once is answered once', async () => {
    const { code, grantId } = await mintCode();
    const first = await token({ grant_type: 'authorization_code', code, redirect_uri: redirectUri });
    assert.equal(first.status, 200);
    const replay = await token({ grant_type: 'authorization_code', code, redirect_uri: redirectUri });
    assert.equal(replay.status, 400);
    assert.equal(replay.json.error, 'invalid_grant');
    const left = await database.db.selectFrom('oauth_models').select('model').where('grant_id', '=', grantId).where('model', 'in', ['AccessToken', 'RefreshToken']).execute();
    assert.deepEqual(left, [], "the first answer's tokens are revoked");
    const refresh = await token({ grant_type: 'refresh_token', refresh_token: String(first.json.refresh_token) });
    assert.equal(refresh.json.error, 'invalid_grant');

    const twice = await mintCode();
    const answers = await Promise.all([0, 1].map(() => token({ grant_type: 'authorization_code', code: twice.code, redirect_uri: redirectUri })));
    assert.deepEqual(answers.map((a) => a.status).sort(), [200, 400], JSON.stringify(answers.map((a) => a.json)));
    assert.equal(answers.find((a) => a.status === 400)?.json.error, 'invalid_grant');
  });
});
