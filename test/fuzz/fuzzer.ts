import { randomBytes } from 'node:crypto';
import { createUser } from '../../src/accounts/users.js';
import type { Db } from '../../src/db/index.js';
import { createClient } from '../../src/oauth/clients.js';
import { Visitor, csrfIn } from '../accounts/visitor.js';
import { rawRequest } from '../http/raw-http.js';
import { GPT_CALLBACK, answerConsent, authorizeUrl, followAuthorization, postForm } from '../oauth/oauth-helpers.js';
import { judge, type Problem } from './oracle.js';
import { buildRequest, type FuzzRequest } from './requests.js';
import { apiEndpoints, OAUTH_ENDPOINTS, PAGE_ENDPOINTS, type Endpoint, type FuzzContext } from './targets.js';

/** The person and clients a fuzzing run signs in with, created in the database before Larder starts. */
export interface FuzzAccounts {
  email: string;
  password: string;
  clientId: string;
  clientSecret: string;
  publicClientId: string;
  /** Another app of the same person: its grant is revoked, the first client's is not. */
  otherClientId: string;
  otherClientSecret: string;
}

export async function createFuzzAccounts(db: Db): Promise<FuzzAccounts> {
  const email = `fuzz-${randomBytes(4).toString('hex')}@example.com`;
  const password = `fuzz-${randomBytes(12).toString('base64url')}`;
  await createUser(db, { email, password, name: 'Fuzz Person', plan: 'pro' });
  const scopes = ['foods:read', 'diary:read', 'diary:write', 'profile'];
  const confidential = await createClient(db, { name: 'Fuzz GPT', redirectUris: [GPT_CALLBACK], scopes });
  const pub = await createClient(db, { name: 'Fuzz public client', redirectUris: [GPT_CALLBACK], scopes, isPublic: true });
  const other = await createClient(db, { name: 'Fuzz other GPT', redirectUris: [GPT_CALLBACK], scopes });
  return {
    email,
    password,
    clientId: confidential.client.clientId,
    clientSecret: confidential.clientSecret!,
    publicClientId: pub.client.clientId,
    otherClientId: other.client.clientId,
    otherClientSecret: other.clientSecret!,
  };
}

/**
 * Signs in over HTTP as an assistant would and collects what the run's requests use:
 * tokens (full, foods-only, revoked), a redeemed code, a refresh token, a signed-in
 * browser, real food ids, slugs and portions, diary entries, interaction ids.
 */
export async function prepareFuzzContext(baseUrl: string, accounts: FuzzAccounts): Promise<FuzzContext> {
  const visitor = new Visitor(baseUrl);
  const signIn = async (scope: string, clientId = accounts.clientId, clientSecret = accounts.clientSecret) => {
    let outcome = await followAuthorization(visitor, authorizeUrl({ response_type: 'code', client_id: clientId, redirect_uri: GPT_CALLBACK, state: 'fuzz', scope }), {
      login: { email: accounts.email, password: accounts.password },
    });
    if (outcome.page && /class="consent"/.test(outcome.page.body)) outcome = await answerConsent(visitor, outcome.page, 'allow', outcome.trail);
    const code = outcome.redirect?.searchParams.get('code');
    if (!code) throw new Error(`fuzz set-up: no code (${outcome.trail.join(' -> ')})`);
    const tokens = await postForm(baseUrl, '/oauth/token', { grant_type: 'authorization_code', code, redirect_uri: GPT_CALLBACK, client_id: clientId, client_secret: clientSecret });
    if (tokens.status !== 200) throw new Error(`fuzz set-up: token request failed ${JSON.stringify(tokens.body)}`);
    return { code, accessToken: String(tokens.body.access_token), refreshToken: String(tokens.body.refresh_token) };
  };
  const full = await signIn('');
  const foodsOnly = await signIn('foods:read');
  // Revoking a token ends its whole grant (the connected app): another app's, then.
  const revoked = await signIn('', accounts.otherClientId, accounts.otherClientSecret);
  const revocation = await postForm(baseUrl, '/oauth/revoke', { token: revoked.accessToken, token_type_hint: 'access_token', client_id: accounts.otherClientId, client_secret: accounts.otherClientSecret });
  if (revocation.status !== 200) throw new Error('fuzz set-up: revocation failed');

  const bearerCheck = await fetch(`${baseUrl}/api/me`, { headers: { authorization: `Bearer ${full.accessToken}` } });
  if (bearerCheck.status !== 200) throw new Error(`fuzz set-up: the access token does not work (${bearerCheck.status})`);

  const bearer = { authorization: `Bearer ${full.accessToken}` };
  const found = (await (await fetch(`${baseUrl}/api/foods/search?query=apple&limit=10`, { headers: bearer })).json()) as { data?: Array<{ id: string; url: string; portions: Array<{ label: string }> }> };
  const foods = found.data ?? [];
  const diaryEntryIds: string[] = [];
  for (const food of foods.slice(0, 3)) {
    const logged = await fetch(`${baseUrl}/api/diary`, { method: 'POST', headers: { ...bearer, 'content-type': 'application/json' }, body: JSON.stringify({ food_id: food.id, meal: 'lunch', grams: 100 }) });
    const entry = (await logged.json()) as { data?: { id?: string }; id?: string };
    const id = entry.data?.id ?? entry.id;
    if (id) diaryEntryIds.push(String(id));
  }

  // An authorization waiting at the log-in step, from a browser of its own.
  const stranger = new Visitor(baseUrl);
  const started = await stranger.get(authorizeUrl({ response_type: 'code', client_id: accounts.clientId, redirect_uri: GPT_CALLBACK, state: 'x', scope: '' }));
  const uid = /\/interaction\/([A-Za-z0-9_-]+)/.exec(started.location ?? '')?.[1];

  const csrf = csrfIn((await visitor.get('/account')).body);
  const cookie = [...visitor.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
  return {
    baseUrl,
    port: Number(new URL(baseUrl).port),
    clientId: accounts.clientId,
    clientSecret: accounts.clientSecret,
    publicClientId: accounts.publicClientId,
    redirectUri: GPT_CALLBACK,
    email: accounts.email,
    password: accounts.password,
    accessToken: full.accessToken,
    foodsOnlyToken: foodsOnly.accessToken,
    revokedToken: revoked.accessToken,
    refreshToken: full.refreshToken,
    usedCode: full.code,
    session: { cookie, csrf },
    foodIds: foods.length > 0 ? foods.map((f) => f.id) : ['sr-09003'],
    slugs: foods.length > 0 ? foods.map((f) => new URL(f.url).pathname.split('/').pop()!) : ['apples-raw'],
    portions: [...new Set(foods.flatMap((f) => f.portions.map((p) => p.label)))].slice(0, 10).concat(['1 cup', '1 medium', '2 tbsp']),
    diaryEntryIds,
    grantIds: [],
    interactionUids: uid ? [uid] : [],
  };
}

/** Every endpoint of a run: each operation of `/openapi.json`, the OAuth endpoints and metadata, the pages. */
export async function fuzzEndpoints(baseUrl: string): Promise<Endpoint[]> {
  const document = await (await fetch(`${baseUrl}/openapi.json`)).json();
  return [...apiEndpoints(document as Parameters<typeof apiEndpoints>[0]), ...OAUTH_ENDPOINTS, ...PAGE_ENDPOINTS];
}

export interface Finding {
  problem: Problem;
  endpoint: string;
  strategies: string;
  count: number;
  /** The first request that showed it: rebuild it with the run's seed and this index. */
  firstIndex: number;
  example: string;
}

export interface FuzzReport {
  seed: number;
  sent: number;
  /** Requests cut short on purpose (the client hangs up): nothing is owed to them. */
  cutShort: number;
  byStatus: Record<string, number>;
  problems: Record<Problem, number>;
  findings: Finding[];
  /** /health answered 200 during and after the run. */
  serverUp: boolean;
  durationMs: number;
}

const PROBLEMS: Problem[] = ['server error (5xx)', 'not JSON where JSON is due', 'not HTML where a page is due', 'no answer', 'stack trace in the body', 'cacheable API answer'];

async function healthy(baseUrl: string): Promise<boolean> {
  try {
    return (await fetch(`${baseUrl}/health`, { signal: AbortSignal.timeout(5_000) })).status === 200;
  } catch {
    return false;
  }
}

/**
 * Sends `requests` requests built from `seed` (see buildRequest), `concurrency` at a time,
 * each on a connection of its own, judges every answer (see judge) and checks that
 * Larder still answers /health during and after the run.
 */
export async function runFuzzer(options: { context: FuzzContext; endpoints: readonly Endpoint[]; seed: number; requests: number; concurrency?: number; timeoutMs?: number; only?: number }): Promise<FuzzReport> {
  const { context, endpoints, seed } = options;
  const started = Date.now();
  const byStatus: Record<string, number> = {};
  const problems = Object.fromEntries(PROBLEMS.map((p) => [p, 0])) as Record<Problem, number>;
  const findings = new Map<string, Finding>();
  let sent = 0;
  let cutShort = 0;
  let serverUp = true;
  let next = options.only ?? 0;
  const last = options.only !== undefined ? options.only + 1 : options.requests;

  const record = (request: FuzzRequest, status: number, found: Problem[], example: string) => {
    byStatus[String(status)] = (byStatus[String(status)] ?? 0) + 1;
    for (const problem of found) {
      problems[problem]++;
      const key = `${problem}|${request.endpoint}|${request.strategies.map((s) => s.split(' ')[0]).join('+')}`;
      const finding = findings.get(key);
      if (finding) finding.count++;
      else findings.set(key, { problem, endpoint: request.endpoint, strategies: request.strategies.join('; '), count: 1, firstIndex: request.index, example });
    }
  };

  const worker = async () => {
    while (next < last) {
      const index = next++;
      const request = buildRequest(seed, index, endpoints, context);
      const response = await rawRequest(context.port, request.bytes, { timeoutMs: options.timeoutMs ?? 15_000, ...(request.complete ? {} : { hangUpAfterMs: 100 }) });
      sent++;
      if (!request.complete) cutShort++;
      const found = judge(request, response);
      const example = `#${index} ${request.method.slice(0, 20)} ${request.target.slice(0, 120)} -> ${response.status || response.failure} ${response.headers['content-type'] ?? ''} ${response.body.slice(0, 200).replace(/\s+/g, ' ')}`;
      record(request, response.status, found, example);
      if (index % 250 === 249 && !(await healthy(context.baseUrl))) serverUp = false;
    }
  };
  await Promise.all(Array.from({ length: options.concurrency ?? 6 }, worker));
  if (!(await healthy(context.baseUrl))) serverUp = false;
  return { seed, sent, cutShort, byStatus, problems, findings: [...findings.values()].sort((a, b) => b.count - a.count), serverUp, durationMs: Date.now() - started };
}

/** The report in a few lines: the figures first, then each finding with the request to replay. */
export function describeReport(report: FuzzReport): string {
  const lines = [
    `fuzz seed ${report.seed}: ${report.sent} requests (${report.cutShort} cut short on purpose) in ${(report.durationMs / 1000).toFixed(1)} s`,
    `  5xx: ${report.problems['server error (5xx)']}, not JSON where JSON is due: ${report.problems['not JSON where JSON is due']}, not HTML where a page is due: ${report.problems['not HTML where a page is due']}, no answer: ${report.problems['no answer']}, stack traces: ${report.problems['stack trace in the body']}, cacheable API answers: ${report.problems['cacheable API answer']}; server up: ${report.serverUp}`,
    `  statuses: ${Object.entries(report.byStatus)
      .sort()
      .map(([s, n]) => `${s}×${n}`)
      .join(' ')}`,
  ];
  for (const finding of report.findings.slice(0, 40)) lines.push(`  [${finding.problem}] ×${finding.count} ${finding.endpoint} (${finding.strategies}) e.g. ${finding.example}`);
  return lines.join('\n');
}
