import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { after } from 'node:test';
import { createUser } from '../../src/accounts/users.js';
import type { Db } from '../../src/db/index.js';
import { createClient } from '../../src/oauth/clients.js';
import { Visitor } from '../accounts/visitor.js';
import { createTestDatabase, type TestDatabase } from '../helpers/db.js';
import { spawnLarder, type LarderProcess, type LarderProcessOptions } from '../helpers/larder-process.js';
import { answerConsent, authorizeUrl, followAuthorization, GPT_CALLBACK, PASSWORD, postForm } from '../oauth/oauth-helpers.js';

/**
 * What a fault test's processes share: a test database and a storage folder (the signing keys),
 * and a way to start `npm start` processes on them; after the test file, every process started is
 * killed, the database dropped and the folder removed.
 */
export async function faultFixture(prefix: string): Promise<{ database: TestDatabase; start(options?: Partial<LarderProcessOptions>): Promise<LarderProcess> }> {
  const storage = mkdtempSync(path.join(os.tmpdir(), `larder-${prefix}-`));
  const database = await createTestDatabase();
  const running: LarderProcess[] = [];
  after(async () => {
    for (const larder of running) larder.child.kill('SIGKILL');
    await database.drop();
    rmSync(storage, { recursive: true, force: true });
  });
  return {
    database,
    async start(options = {}) {
      const larder = await spawnLarder({ databaseUrl: database.url, storageDir: storage, ...options });
      running.push(larder);
      return larder;
    },
  };
}

/** What a fault scenario needs to act as an assistant for one person. */
export interface Session {
  userId: string;
  email: string;
  clientId: string;
  clientSecret: string;
  accessToken: string;
  refreshToken: string;
}

/** A pro person, a client and tokens through the real sign-in (log-in, consent, code, token) on `baseUrl`. */
export async function signIn(db: Db, baseUrl: string): Promise<Session> {
  const email = `fault-${Math.random().toString(36).slice(2, 10)}@example.com`;
  const user = await createUser(db, { email, password: PASSWORD, name: 'Fault tester', plan: 'pro' });
  const { client, clientSecret } = await createClient(db, { name: 'Fault client', redirectUris: [GPT_CALLBACK], scopes: ['foods:read', 'diary:read', 'diary:write', 'profile'] });
  const visitor = new Visitor(baseUrl);
  let outcome = await followAuthorization(visitor, authorizeUrl({ response_type: 'code', client_id: client.clientId, redirect_uri: GPT_CALLBACK, state: 's', scope: '' }), {
    login: { email, password: PASSWORD },
  });
  if (outcome.page && /class="consent"/.test(outcome.page.body)) outcome = await answerConsent(visitor, outcome.page, 'allow', outcome.trail);
  const code = outcome.redirect?.searchParams.get('code');
  if (!code) throw new Error(`no code: ${outcome.trail.join(' -> ')}`);
  const tokens = await postForm(baseUrl, '/oauth/token', { grant_type: 'authorization_code', code, redirect_uri: GPT_CALLBACK, client_id: client.clientId, client_secret: clientSecret! });
  if (tokens.status !== 200) throw new Error(`token request failed: ${JSON.stringify(tokens.body)}`);
  return {
    userId: user.id,
    email,
    clientId: client.clientId,
    clientSecret: clientSecret!,
    accessToken: String(tokens.body.access_token),
    refreshToken: String(tokens.body.refresh_token),
  };
}

export interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
  ms: number;
}

export interface NoAnswer {
  status: undefined;
  /** ECONNREFUSED, ECONNRESET, timeout, … */
  error: string;
  ms: number;
}

/**
 * One HTTP request with node:http (not fetch, so a test controls connections and sees
 * every socket error as it is), settled with an answer or the reason there was none.
 */
export function request(
  baseUrl: string,
  options: { method?: string; path: string; headers?: Record<string, string>; body?: string; timeoutMs?: number; agent?: http.Agent },
): Promise<Answer | NoAnswer> {
  const started = performance.now();
  const url = new URL(options.path, baseUrl);
  return new Promise((resolve) => {
    let settled = false;
    const settle = (result: Answer | NoAnswer) => {
      if (settled) return;
      settled = true;
      resolve(result);
    };
    const headers = { ...options.headers, ...(options.body !== undefined ? { 'content-length': String(Buffer.byteLength(options.body)) } : {}) };
    const req = http.request(url, { method: options.method ?? 'GET', headers, agent: options.agent ?? false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => settle({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8'), ms: performance.now() - started }));
      res.on('error', (error) => settle({ status: undefined, error: (error as NodeJS.ErrnoException).code ?? error.message, ms: performance.now() - started }));
    });
    req.setTimeout(options.timeoutMs ?? 30_000, () => req.destroy(Object.assign(new Error('no answer in time'), { code: 'TIMEOUT' })));
    req.on('error', (error) => settle({ status: undefined, error: (error as NodeJS.ErrnoException).code ?? error.message, ms: performance.now() - started }));
    req.end(options.body);
  });
}

export const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

/** A diary entry a scenario will write, with the idempotency key that makes retrying it safe. */
export interface PlannedEntry {
  key: string;
  body: string;
}

/** Entries spread over past days (a day holds at most 100), each with its own idempotency key. */
export function planEntries(prefix: string, count: number, now = Date.now()): PlannedEntry[] {
  const meals = ['breakfast', 'lunch', 'dinner', 'snack'];
  return Array.from({ length: count }, (_, i) => {
    const date = new Date(now - (1 + Math.floor(i / 90)) * 86_400_000).toISOString().slice(0, 10);
    const key = `${prefix}-${i.toString().padStart(6, '0')}`;
    return { key, body: JSON.stringify({ food_id: 'sr-09040', grams: 1 + (i % 400), meal: meals[i % 4], date }) };
  });
}

export type WriteOutcome =
  | { kind: 'acked'; key: string; status: number; id: string; ms: number; at: number }
  | { kind: 'refused'; key: string; status: number; code: string | undefined; retryAfter: string | undefined; ms: number; at: number }
  | { kind: 'no-answer'; key: string; error: string; ms: number; at: number };

/** POST /api/diary with the entry's Idempotency-Key: acknowledged (200/201 with the entry), refused (another status), or no answer. */
export async function writeEntry(baseUrl: string, token: string, entry: PlannedEntry, options: { timeoutMs?: number; agent?: http.Agent } = {}): Promise<WriteOutcome> {
  const answer = await request(baseUrl, {
    method: 'POST',
    path: '/api/diary',
    headers: { ...bearer(token), 'content-type': 'application/json', 'idempotency-key': entry.key },
    body: entry.body,
    timeoutMs: options.timeoutMs ?? 30_000,
    ...(options.agent ? { agent: options.agent } : {}),
  });
  const at = Date.now();
  if (answer.status === undefined) return { kind: 'no-answer', key: entry.key, error: answer.error, ms: answer.ms, at };
  if (answer.status === 200 || answer.status === 201) return { kind: 'acked', key: entry.key, status: answer.status, id: (JSON.parse(answer.body) as { id: string }).id, ms: answer.ms, at };
  let code: string | undefined;
  try {
    code = (JSON.parse(answer.body) as { error?: string }).error;
  } catch {
    code = undefined;
  }
  const retryAfter = answer.headers['retry-after'];
  return { kind: 'refused', key: entry.key, status: answer.status, code, retryAfter: typeof retryAfter === 'string' ? retryAfter : undefined, ms: answer.ms, at };
}

export interface DiaryCheck {
  /** Acknowledged keys whose entry is missing, or is another entry than the one acknowledged. */
  lost: string[];
  /** Keys stored more than once. */
  duplicates: string[];
  rows: number;
}

/** Reads the person's diary straight from the database and holds it against what was acknowledged. */
export async function checkDiary(db: Db, userId: string, acked: ReadonlyMap<string, string>): Promise<DiaryCheck> {
  const rows = await db.selectFrom('diary_entries').select(['id', 'idempotency_key']).where('user_id', '=', userId).execute();
  const byKey = new Map<string, string[]>();
  for (const row of rows) byKey.set(row.idempotency_key ?? '', [...(byKey.get(row.idempotency_key ?? '') ?? []), row.id]);
  const lost = [...acked].filter(([key, id]) => !(byKey.get(key) ?? []).includes(id)).map(([key]) => key);
  const duplicates = [...byKey].filter(([, ids]) => ids.length > 1).map(([key]) => key);
  return { lost, duplicates, rows: rows.length };
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Least-squares slope of `values` against `times` (ms), per minute. */
export function slopePerMinute(times: readonly number[], values: readonly number[]): number {
  const n = times.length;
  if (n < 2) return 0;
  const meanT = times.reduce((a, b) => a + b, 0) / n;
  const meanV = values.reduce((a, b) => a + b, 0) / n;
  let num = 0;
  let den = 0;
  for (let i = 0; i < n; i++) {
    num += (times[i]! - meanT) * (values[i]! - meanV);
    den += (times[i]! - meanT) ** 2;
  }
  return den === 0 ? 0 : (num / den) * 60_000;
}

export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}
