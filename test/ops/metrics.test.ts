import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { sql } from 'kysely';
import { after, before, describe, test } from 'node:test';
import { databaseErrorKind, tokenMatches } from '../../src/ops/metrics.js';
import { apiGet, issueApiToken, postForm } from '../oauth/oauth-helpers.js';
import { createTestDatabase, testDatabaseKind } from '../helpers/db.js';
import { repoRoot } from '../helpers/paths.js';
import { freePort, startTestServer, type TestServer } from '../helpers/server.js';

const TOKEN = 'metrics-token-0123456789abcdef';

/** The value of one sample in Prometheus' text format, e.g. sample(text, 'larder_x_total', { route: '/a' }). */
function sample(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  for (const line of text.split('\n')) {
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const present = Object.fromEntries([...(match[2] ?? '').matchAll(/([a-zA-Z_]+)="((?:[^"\\]|\\.)*)"/g)].map((m) => [m[1], m[2]]));
    if (Object.entries(labels).every(([key, value]) => present[key] === value)) return Number(match[3]);
  }
  return undefined;
}

describe('/metrics', () => {
  let t: TestServer;
  const scrape = async (authorization = `Bearer ${TOKEN}`) => {
    const response = await fetch(`${t.baseUrl}/metrics`, { headers: authorization ? { authorization } : {} });
    return { status: response.status, type: response.headers.get('content-type') ?? '', headers: response.headers, text: await response.text() };
  };

  before(async () => {
    t = await startTestServer({ env: { METRICS_TOKEN: TOKEN, LARDER_QUOTA_FREE: '2' } });
  });
  after(async () => t?.close());

  test('is off unless METRICS_TOKEN is set', async () => {
    const off = await startTestServer({ bundledCatalog: false });
    try {
      const response = await fetch(`${off.baseUrl}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } });
      assert.equal(response.status, 404);
    } finally {
      await off.close();
    }
  });

  test('needs the token, compared in constant time, and says so in JSON', async () => {
    for (const authorization of ['', 'Bearer wrong-token-0123456789abcdef', `Basic ${Buffer.from(`x:${TOKEN}`).toString('base64')}`, `Bearer ${TOKEN}x`]) {
      const refused = await scrape(authorization);
      assert.equal(refused.status, 401, authorization);
      assert.match(refused.type, /application\/json/);
      assert.equal((JSON.parse(refused.text) as { error: string }).error, 'invalid_token');
      assert.match(refused.headers.get('www-authenticate') ?? '', /^Bearer realm="Larder metrics"/);
    }
    assert.equal(tokenMatches(TOKEN, TOKEN), true);
    assert.equal(tokenMatches(TOKEN.slice(0, -1), TOKEN), false);
    const ok = await scrape();
    assert.equal(ok.status, 200);
    assert.match(ok.type, /^text\/plain; version=0\.0\.4/);
    assert.equal(ok.headers.get('cache-control'), 'no-store');
  });

  test('counts requests by route, status and client, token issuance and refusals, quota refusals and searches', async () => {
    const caller = await issueApiToken(t, { plan: 'free' });
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++) statuses.push((await apiGet(t.baseUrl, '/api/foods/search?query=banana', caller.accessToken)).status);
    assert.deepEqual(statuses, [200, 200, 429]);
    // Over the quota too: a refusal on another route.
    assert.equal((await apiGet(t.baseUrl, '/api/foods/sr-09040', caller.accessToken)).status, 429);
    const replay = await postForm(t.baseUrl, '/oauth/token', { grant_type: 'authorization_code', code: 'not-a-code', redirect_uri: 'https://chatgpt.com/aip/g-x/oauth/callback', client_id: caller.clientId, client_secret: 'nope' });
    assert.equal(replay.status, 401);
    assert.equal((await fetch(`${t.baseUrl}/catalog?q=apple`)).status, 200);
    assert.equal((await fetch(`${t.baseUrl}/catalog/no-such-food`)).status, 404);

    const { text } = await scrape();
    assert.equal(sample(text, 'larder_http_requests_total', { route: '/api/foods/search', method: 'GET', status: '200', client: caller.clientId }), 2);
    assert.equal(sample(text, 'larder_http_requests_total', { route: '/api/foods/search', method: 'GET', status: '429', client: caller.clientId }), 1);
    // Route patterns, never URLs: the food id is not a label.
    assert.equal(sample(text, 'larder_http_requests_total', { route: '/api/foods/:id', status: '429', client: caller.clientId }), 1);
    assert.doesNotMatch(text, /sr-09040|query=banana|no-such-food/);
    assert.equal(sample(text, 'larder_http_requests_total', { route: '/oauth/token', method: 'POST', status: '200' }), 1);
    assert.equal(sample(text, 'larder_http_requests_total', { route: '/catalog/:slug', status: '404', client: '' }), 1);
    assert.ok((sample(text, 'larder_http_request_duration_seconds_count', { route: '/api/foods/search', method: 'GET' }) ?? 0) >= 3);
    assert.equal(sample(text, 'larder_oauth_tokens_issued_total', { grant_type: 'authorization_code', client: caller.clientId }), 1);
    assert.equal(sample(text, 'larder_oauth_token_refusals_total', { grant_type: 'authorization_code', reason: 'invalid_client' }), 1);
    assert.equal(sample(text, 'larder_quota_refusals_total', { plan: 'free', client: caller.clientId }), 2);
    assert.equal(sample(text, 'larder_search_duration_seconds_count', { surface: 'api' }), 3);
    assert.equal(sample(text, 'larder_search_duration_seconds_count', { surface: 'page' }), 1);
    assert.ok(sample(text, 'nodejs_eventloop_lag_seconds') !== undefined, 'event-loop lag');
    assert.ok(sample(text, 'nodejs_eventloop_lag_p99_seconds') !== undefined, 'event-loop lag p99');
    if (testDatabaseKind() === 'postgres') {
      assert.ok((sample(text, 'larder_database_pool_connections', { state: 'total' }) ?? 0) >= 1);
      assert.ok(sample(text, 'larder_database_pool_connections', { state: 'waiting' }) !== undefined);
    }
    // Never a token or a secret in the metrics.
    assert.ok(!text.includes(caller.accessToken));
  });

  test('a request that meets a database error counts it by kind, and answers JSON', async () => {
    const caller = await issueApiToken(t, { plan: 'pro' });
    const db = t.server.database.db;
    // A table gone from under the running server: the database's own error, as in an upgrade gone wrong.
    await sql`alter table diary_entries rename to diary_entries_away`.execute(db);
    let reply;
    try {
      reply = await apiGet(t.baseUrl, '/api/diary?date=2026-01-05', caller.accessToken);
    } finally {
      await sql`alter table diary_entries_away rename to diary_entries`.execute(db);
    }
    assert.equal(reply.status, 500);
    assert.equal(reply.body.error, 'server_error');
    const kind = testDatabaseKind() === 'postgres' ? 'pg_42P01' : 'sqlite_error';
    assert.equal(sample((await scrape()).text, 'larder_database_errors_total', { kind }), 1);
    assert.equal((await apiGet(t.baseUrl, '/api/diary?date=2026-01-05', caller.accessToken)).status, 200);
  });

  test('database errors are recognised by their codes', () => {
    assert.equal(databaseErrorKind(Object.assign(new Error('database is locked'), { code: 'SQLITE_BUSY' })), 'sqlite_busy');
    assert.equal(databaseErrorKind(Object.assign(new Error('terminating connection'), { code: '57P01', severity: 'FATAL' })), 'pg_57P01');
    assert.equal(databaseErrorKind(new Error('Connection terminated unexpectedly')), 'connection');
    assert.equal(databaseErrorKind(Object.assign(new Error('bad input'), { code: 'FST_ERR_VALIDATION' })), undefined);
  });
});

describe('request ids', () => {
  let t: TestServer;
  before(async () => {
    t = await startTestServer({ bundledCatalog: false });
  });
  after(async () => t?.close());

  test('every reply carries X-Request-Id: a sane incoming one, else a new UUID', async () => {
    for (const route of ['/catalog', '/api/me', '/oauth/jwks', '/.well-known/oauth-authorization-server', '/nowhere']) {
      const fresh = await fetch(`${t.baseUrl}${route}`);
      assert.match(fresh.headers.get('x-request-id') ?? '', /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/, route);
      const kept = await fetch(`${t.baseUrl}${route}`, { headers: { 'x-request-id': 'trace-7f3a:span-01' } });
      assert.equal(kept.headers.get('x-request-id'), 'trace-7f3a:span-01', route);
    }
    for (const insane of ['has spaces in it', 'x'.repeat(129), 'quote"d', 'new\u00e9line']) {
      const replaced = await fetch(`${t.baseUrl}/catalog`, { headers: { 'x-request-id': encodeURI(insane) === insane ? insane : insane.replace(/[^\x20-\x7e]/g, '?') } });
      assert.notEqual(replaced.headers.get('x-request-id'), insane);
      assert.match(replaced.headers.get('x-request-id') ?? '', /^[0-9a-f-]{36}$/);
    }
  });

  test('the logs of a running server name the request id', async () => {
    const database = await createTestDatabase();
    const storage = mkdtempSync(path.join(os.tmpdir(), 'larder-log-'));
    const port = await freePort();
    const child = spawn(process.execPath, [path.join(repoRoot, 'dist', 'src', 'main.js')], {
      cwd: repoRoot,
      env: {
        ...process.env,
        NODE_ENV: 'test',
        LOG_LEVEL: 'info',
        PORT: String(port),
        APP_URL: `http://127.0.0.1:${port}`,
        DATABASE_URL: database.url,
        LARDER_BUNDLED_CATALOG: 'false',
        LARDER_STORAGE: storage,
      },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    try {
      const lines = createInterface({ input: child.stdout });
      const logged: Array<Record<string, unknown>> = [];
      let ready: () => void;
      const serving = new Promise<void>((resolve) => (ready = resolve));
      lines.on('line', (line) => {
        const entry = JSON.parse(line) as Record<string, unknown>;
        logged.push(entry);
        if (entry.msg === 'Larder is serving') ready();
      });
      await serving;
      const response = await fetch(`http://127.0.0.1:${port}/catalog?q=tea`, { headers: { 'x-request-id': 'operator-ticket-4711' } });
      assert.equal(response.headers.get('x-request-id'), 'operator-ticket-4711');
      await new Promise((resolve) => setTimeout(resolve, 200));
      const mine = logged.filter((entry) => entry.request_id === 'operator-ticket-4711');
      assert.ok(mine.some((entry) => entry.msg === 'incoming request'), JSON.stringify(logged.slice(-3)));
      assert.ok(mine.some((entry) => entry.msg === 'request completed'));
    } finally {
      child.kill('SIGTERM');
      await once(child, 'exit');
      await database.drop();
      rmSync(storage, { recursive: true, force: true });
    }
  });
});
