import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { FEED_FRESH_MS, FEED_POLL_MS } from '../../src/changes/feed.js';
import { openDatabase, type OpenedDatabase } from '../../src/db/index.js';
import { Visitor } from '../accounts/visitor.js';
import { spawnLarder, type LarderProcess } from '../helpers/larder-process.js';
import { testDatabaseKind } from '../helpers/db.js';
import { createPgCluster, findPostgresBinaries, type PgCluster } from '../helpers/pg-cluster.js';
import { authorizeUrl, GPT_CALLBACK, PASSWORD, postForm } from '../oauth/oauth-helpers.js';
import { bearer, request, signIn, sleep, writeEntry, planEntries, type Answer, type NoAnswer, type Session } from './harness.js';
import { restartUnderLoad } from './scenarios/restart-under-load.js';

const CONNECT_TIMEOUT_MS = 1500;
const STATEMENT_TIMEOUT_MS = 2000;
/** The longest a request may wait during an outage: a connection, then a statement cut short on the client side, and some slack for a busy machine. */
const ANSWER_BOUND_MS = CONNECT_TIMEOUT_MS + STATEMENT_TIMEOUT_MS + 1000 + 2500;

const binaries = testDatabaseKind() === 'postgres' ? await findPostgresBinaries() : undefined;
const skip =
  testDatabaseKind() !== 'postgres'
    ? 'runs in the PostgreSQL pass (LARDER_TEST_DATABASE_URL=postgres://…), on a PostgreSQL cluster of its own'
    : typeof binaries === 'string'
      ? binaries
      : false;
if (skip && testDatabaseKind() === 'postgres' && process.env.CI === 'true') throw new Error(`PostgreSQL fault tests cannot run under CI: ${skip}`);

describe('PostgreSQL dropped, stopped, hung and restarted under Larder', { skip }, () => {
  let cluster: PgCluster;
  let database: OpenedDatabase;
  const storage = mkdtempSync(path.join(os.tmpdir(), 'larder-pgfault-'));
  const running: LarderProcess[] = [];
  const start = async (options: { appUrl?: string } = {}) => {
    const larder = await spawnLarder({
      databaseUrl: cluster.url('larder'),
      storageDir: storage,
      ...options,
      env: { DATABASE_CONNECT_TIMEOUT_MS: String(CONNECT_TIMEOUT_MS), DATABASE_STATEMENT_TIMEOUT_MS: String(STATEMENT_TIMEOUT_MS), LARDER_QUOTA_PRO: '10000000' },
    });
    running.push(larder);
    return larder;
  };
  const expectServing = async (larder: LarderProcess, session: Session, withinMs: number): Promise<number> => {
    const since = Date.now();
    while (Date.now() - since < withinMs) {
      const answer = await request(larder.baseUrl, { path: '/api/me', headers: bearer(session.accessToken), timeoutMs: 10_000 });
      if (answer.status === 200) return Date.now() - since;
      await sleep(100);
    }
    assert.fail(`${larder.baseUrl} did not serve again within ${withinMs} ms:\n${larder.output().slice(-3000)}`);
  };

  before(async () => {
    cluster = await createPgCluster(binaries as Exclude<typeof binaries, string | undefined>);
    await cluster.start();
    await cluster.query('CREATE DATABASE larder');
    // The first process creates the tables and loads the bundled catalog; the test reads and writes beside it.
    await start();
    database = await openDatabase({ kind: 'postgres', url: cluster.url('larder'), schema: undefined }, { timeouts: { connectMs: CONNECT_TIMEOUT_MS, statementMs: STATEMENT_TIMEOUT_MS } });
  });
  after(async () => {
    for (const larder of running) larder.child.kill('SIGKILL');
    await database?.close().catch(() => undefined);
    await cluster?.destroy();
    rmSync(storage, { recursive: true, force: true });
  });

  test("connections terminated by the server (pg_terminate_backend), idle or busy, are logged and replaced; the process lives on", async () => {
    const larder = running[0]!;
    const session = await signIn(database.db, larder.baseUrl);
    for (let i = 0; i < 5; i++) assert.equal((await request(larder.baseUrl, { path: '/api/me', headers: bearer(session.accessToken) })).status, 200);
    const terminate = `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = 'larder' AND pid <> pg_backend_pid() AND backend_type = 'client backend'`;

    // Idle: the pool's connections die between requests.
    await cluster.query(terminate);
    await sleep(500);
    assert.ok(larder.alive(), `the process died:\n${larder.output().slice(-3000)}`);
    // A connection idle in the pool is logged by the pool's error listener; one the change feed's
    // poll or the usage ledger's flush was using at that moment, by the work it broke.
    assert.match(larder.output(), /database connection lost while idle|terminating connection due to administrator command/);
    await expectServing(larder, session, 5000);

    // Busy: connections die while requests run on them.
    const entries = planEntries(`terminate-${Date.now().toString(36)}`, 100_000);
    let next = 0;
    const outcomes: string[] = [];
    const stopAt = Date.now() + 2500;
    const writers = Array.from({ length: 8 }, async () => {
      while (Date.now() < stopAt) {
        const outcome = await writeEntry(larder.baseUrl, session.accessToken, entries[next++]!);
        outcomes.push(outcome.kind === 'acked' ? 'acked' : outcome.kind === 'refused' ? `${outcome.status} ${outcome.code}` : outcome.error);
      }
    });
    for (let i = 0; i < 4; i++) {
      await sleep(400);
      await cluster.query(terminate);
    }
    await Promise.all(writers);
    assert.ok(larder.alive(), `the process died:\n${larder.output().slice(-3000)}`);
    const unexpected = outcomes.filter((o) => o !== 'acked' && o !== '503 database_unavailable');
    assert.deepEqual(unexpected, [], 'every write was stored or refused with 503');
    assert.ok(outcomes.filter((o) => o === 'acked').length > 0);
    await expectServing(larder, session, 5000);
  });

  test('the database stopped: API, pages and OAuth endpoints answer 503 with Retry-After in time, /readyz is 503, /livez 200; all serve again by themselves', async () => {
    const larder = await start();
    const session = await signIn(database.db, larder.baseUrl);
    const visitor = new Visitor(larder.baseUrl);
    await visitor.logIn(session.email, PASSWORD);
    assert.equal((await visitor.get('/account')).status, 200);

    await cluster.stop('fast');
    try {
      const json = { accept: 'application/json' };
      const calls: Array<[string, Promise<Answer | NoAnswer>, 'json' | 'html', string]> = [
        ['GET /api/me', request(larder.baseUrl, { path: '/api/me', headers: bearer(session.accessToken) }), 'json', 'database_unavailable'],
        ['GET /api/diary', request(larder.baseUrl, { path: '/api/diary', headers: bearer(session.accessToken) }), 'json', 'database_unavailable'],
        [
          'POST /api/diary',
          request(larder.baseUrl, { method: 'POST', path: '/api/diary', headers: { ...bearer(session.accessToken), 'content-type': 'application/json' }, body: JSON.stringify({ food_id: 'sr-09040', grams: 10, meal: 'lunch' }) }),
          'json',
          'database_unavailable',
        ],
        ['GET /account', request(larder.baseUrl, { path: '/account', headers: { cookie: [...visitor.cookies].map(([k, v]) => `${k}=${v}`).join('; ') } }), 'html', ''],
        [
          'POST /oauth/token',
          request(larder.baseUrl, {
            method: 'POST',
            path: '/oauth/token',
            headers: { ...json, 'content-type': 'application/x-www-form-urlencoded' },
            body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: session.refreshToken, client_id: session.clientId, client_secret: session.clientSecret }).toString(),
          }),
          'json',
          'temporarily_unavailable',
        ],
        [
          'POST /oauth/introspect',
          request(larder.baseUrl, {
            method: 'POST',
            path: '/oauth/introspect',
            headers: { ...json, 'content-type': 'application/x-www-form-urlencoded' },
            body: new URLSearchParams({ token: session.accessToken, client_id: session.clientId, client_secret: session.clientSecret }).toString(),
          }),
          'json',
          'temporarily_unavailable',
        ],
        [
          'GET /oauth/authorize',
          request(larder.baseUrl, {
            path: authorizeUrl({ response_type: 'code', client_id: session.clientId, redirect_uri: GPT_CALLBACK, state: 'x', scope: '' }),
            headers: { accept: 'text/html' },
          }),
          'html',
          '',
        ],
      ];
      for (const [name, pending, kind, code] of calls) {
        const answer = await pending;
        assert.ok(answer.status !== undefined, `${name}: no answer (${'error' in answer ? answer.error : ''})`);
        assert.equal(answer.status, 503, `${name}: ${answer.body.slice(0, 300)}`);
        assert.equal(answer.headers['retry-after'], '5', name);
        assert.ok(answer.ms < ANSWER_BOUND_MS, `${name} answered after ${Math.round(answer.ms)} ms`);
        if (kind === 'json') {
          assert.match(String(answer.headers['content-type']), /^application\/json/, name);
          assert.equal((JSON.parse(answer.body) as { error: string }).error, code, name);
        } else {
          assert.match(String(answer.headers['content-type']), /^text\/html/, name);
        }
      }
      const ready = await request(larder.baseUrl, { path: '/readyz' });
      assert.equal(ready.status, 503);
      assert.ok('body' in ready);
      assert.deepEqual((JSON.parse(ready.body) as { checks: unknown }).checks, { database: 'unreachable', migrations: 'unknown', catalog: 'ok' });
      assert.equal((await request(larder.baseUrl, { path: '/livez' })).status, 200);
      assert.ok(larder.alive());
    } finally {
      await cluster.start();
    }
    const recoveredMs = await expectServing(larder, session, 15_000);
    console.log(`database stopped: every request answered 503 within ${ANSWER_BOUND_MS} ms; served again ${recoveredMs} ms after the database was back`);
    assert.equal((await request(larder.baseUrl, { path: '/readyz' })).status, 200);
    assert.equal((await visitor.get('/account')).status, 200);
    assert.equal((await postForm(larder.baseUrl, '/oauth/token', { grant_type: 'refresh_token', refresh_token: session.refreshToken, client_id: session.clientId, client_secret: session.clientSecret })).status, 200);
  });

  test('a hung database (every server process stopped with SIGSTOP) is answered 503 within the configured timeouts, and served again once it resumes', async () => {
    const larder = await start();
    const session = await signIn(database.db, larder.baseUrl);
    // Fill the pool with idle connections, which will hang mid-statement.
    await Promise.all(Array.from({ length: 6 }, () => request(larder.baseUrl, { path: '/api/me', headers: bearer(session.accessToken) })));

    cluster.pause();
    const answers: Array<[string, Answer | NoAnswer]> = [];
    try {
      // Right after the database stops answering, the API still serves a known token from
      // memory (src/changes/): its copies are trusted while the last good read of the change
      // feed is recent. Answered either way, and in time.
      const early = await request(larder.baseUrl, { path: '/api/me', headers: bearer(session.accessToken), timeoutMs: 30_000 });
      assert.ok(early.status === 200 || early.status === 503, `GET /api/me at once: ${'error' in early ? early.error : early.status}`);
      assert.ok(early.ms < ANSWER_BOUND_MS, `GET /api/me at once answered after ${Math.round(early.ms)} ms`);
      // Once those copies are no longer trusted, every request needs the database.
      await new Promise((resolve) => setTimeout(resolve, FEED_POLL_MS + FEED_FRESH_MS + 100));
      const pending: Array<[string, Promise<Answer | NoAnswer>]> = [
        ...Array.from({ length: 12 }, (_, i) => [`GET /api/me #${i}`, request(larder.baseUrl, { path: '/api/me', headers: bearer(session.accessToken), timeoutMs: 30_000 })] as [string, Promise<Answer | NoAnswer>]),
        ['GET /readyz', request(larder.baseUrl, { path: '/readyz', timeoutMs: 30_000 })],
        [
          'POST /oauth/token',
          request(larder.baseUrl, {
            method: 'POST',
            path: '/oauth/token',
            headers: { accept: 'application/json', 'content-type': 'application/x-www-form-urlencoded' },
            body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: session.refreshToken, client_id: session.clientId, client_secret: session.clientSecret }).toString(),
            timeoutMs: 30_000,
          }),
        ],
      ];
      const live = await request(larder.baseUrl, { path: '/livez', timeoutMs: 5000 });
      assert.equal(live.status, 200, '/livez answers while the database hangs');
      for (const [name, answer] of pending) answers.push([name, await answer]);
    } finally {
      cluster.resume();
    }
    for (const [name, answer] of answers) {
      assert.equal(answer.status, 503, `${name}: ${'error' in answer ? answer.error : answer.body.slice(0, 200)}`);
      assert.ok(answer.ms < ANSWER_BOUND_MS, `${name} answered after ${Math.round(answer.ms)} ms`);
    }
    console.log(`hung database: ${answers.length} requests answered 503 in at most ${Math.round(Math.max(...answers.map(([, a]) => a.ms)))} ms (connect ${CONNECT_TIMEOUT_MS} ms, statement ${STATEMENT_TIMEOUT_MS} ms)`);
    await expectServing(larder, session, 15_000);
    assert.ok(larder.alive());
  });

  test('two processes, the database restarted (crash) under write load: nothing acknowledged is lost, both live on, and serve again within seconds', async () => {
    const first = await start();
    const second = await start({ appUrl: first.baseUrl });
    const session = await signIn(database.db, first.baseUrl);
    const report = await restartUnderLoad({ cluster, processes: [first, second], session, db: database.db, concurrency: 8, beforeMs: 1500, outageMs: 3000, afterMs: 4000, stopMode: 'immediate' });
    console.log(`restart under load: ${JSON.stringify({ ...report, check: { lost: report.check.lost.length, duplicates: report.check.duplicates.length, rows: report.check.rows } })}`);

    assert.deepEqual(report.check.lost, [], 'acknowledged writes lost');
    assert.deepEqual(report.check.duplicates, []);
    assert.equal(report.neverAcked, 0);
    assert.equal(report.check.rows, report.acked);
    assert.equal(report.noAnswer, 0, 'every request got an answer');
    assert.deepEqual(Object.keys(report.refusals).filter((label) => label !== '503 database_unavailable'), [], 'refusals other than 503 with Retry-After');
    assert.ok((report.refusals['503 database_unavailable'] ?? 0) > 0, 'the outage was noticed');
    assert.ok(report.slowestRefusalMs < ANSWER_BOUND_MS, `a refusal took ${report.slowestRefusalMs} ms`);
    for (const process of report.recovery) {
      assert.ok(process.alive, `${process.baseUrl} died`);
      assert.ok(process.recoverySeconds !== undefined && process.recoverySeconds < 10, `${process.baseUrl} recovered after ${process.recoverySeconds} s`);
      assert.ok(process.readyzWentNotReady, `${process.baseUrl} /readyz never said 503`);
      assert.ok(process.readyzBackSeconds !== undefined, `${process.baseUrl} /readyz never said 200 again`);
    }
  });
});
