import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import SQLite from 'better-sqlite3';
import { openDatabase } from '../../src/db/index.js';
import { migrateToLatest } from '../../src/db/migrate.js';
import { spawnLarder, type LarderProcess } from '../helpers/larder-process.js';
import { testDatabaseKind } from '../helpers/db.js';
import { Visitor } from '../accounts/visitor.js';
import { PASSWORD, postForm } from '../oauth/oauth-helpers.js';
import { bearer, request, signIn, type Session } from './harness.js';

const CONNECT_TIMEOUT_MS = 1000;

describe('SQLite locked by another writer: 503 with Retry-After, not 500', { skip: testDatabaseKind() === 'sqlite' ? false : 'SQLite only' }, () => {
  const storage = mkdtempSync(path.join(os.tmpdir(), 'larder-busy-'));
  const file = path.join(storage, 'larder.db');
  let larder: LarderProcess | undefined;
  after(() => {
    larder?.child.kill('SIGKILL');
    rmSync(storage, { recursive: true, force: true });
  });

  test('writes that cannot get the lock within the connect timeout are answered 503 on the API, the token endpoint and pages, and succeed once it is free', async () => {
    const database = await openDatabase({ kind: 'sqlite', file });
    await migrateToLatest(database.db);
    larder = await spawnLarder({ databaseUrl: `sqlite:${file}`, storageDir: storage, env: { DATABASE_CONNECT_TIMEOUT_MS: String(CONNECT_TIMEOUT_MS) } });
    let session: Session;
    try {
      session = await signIn(database.db, larder.baseUrl);
    } finally {
      await database.close();
    }

    const visitor = new Visitor(larder.baseUrl);
    const csrf = await visitor.csrfFrom('/login');

    // Another process's long write transaction (a catalog import, say) holds the write lock.
    const holder = new SQLite(file);
    holder.pragma('busy_timeout = 5000');
    holder.exec('BEGIN IMMEDIATE');
    const entry = JSON.stringify({ food_id: 'sr-09040', grams: 100, meal: 'lunch' });
    try {
      const write = await request(larder.baseUrl, { method: 'POST', path: '/api/diary', headers: { ...bearer(session.accessToken), 'content-type': 'application/json', 'idempotency-key': 'busy-entry-1' }, body: entry });
      assert.equal(write.status, 503, 'body' in write ? write.body : write.error);
      assert.ok('body' in write);
      assert.equal(JSON.parse(write.body).error, 'database_unavailable');
      assert.equal(write.headers['retry-after'], '5');
      // A deferred transaction that must upgrade to write is refused at once (SQLite does not wait
      // there, to avoid deadlock); a plain write waits busy_timeout. Either way: within the bound.
      assert.ok(write.ms < CONNECT_TIMEOUT_MS * 3 + 2000, `answered after ${Math.round(write.ms)} ms`);

      const refresh = await postForm(larder.baseUrl, '/oauth/token', { grant_type: 'refresh_token', refresh_token: session.refreshToken, client_id: session.clientId, client_secret: session.clientSecret });
      assert.equal(refresh.status, 503, JSON.stringify(refresh.body));
      assert.equal(refresh.body.error, 'temporarily_unavailable');
      assert.equal(refresh.headers.get('retry-after'), '5');

      // A person logging in (the session is written down): a page, with the same status.
      const login = await visitor.post('/login', { _csrf: csrf, email: session.email, password: PASSWORD });
      assert.equal(login.status, 503, login.body.replace(/[\s\S]*<main[^>]*>/, '').slice(0, 600));
      assert.match(login.headers.get('content-type') ?? '', /^text\/html/);
      assert.equal(login.headers.get('retry-after'), '5');
    } finally {
      holder.exec('ROLLBACK');
      holder.close();
    }
    const retried = await request(larder.baseUrl, { method: 'POST', path: '/api/diary', headers: { ...bearer(session.accessToken), 'content-type': 'application/json', 'idempotency-key': 'busy-entry-1' }, body: entry });
    assert.equal(retried.status, 201);
    assert.ok(larder.alive());
  });
});
