/**
 * OAuth benchmark: the token endpoint (authorization code exchange, rotated refresh) and
 * the per-request cost of the bearer check on the API, against baselines in the same run:
 * a bare oidc-provider configured like Larder's with its own in-memory adapter, and the
 * same Larder's unauthenticated /health.
 *
 *   npm run build && node dist/bench/oauth.js
 *
 * The load tool (autocannon) runs in this process; each server runs in a child process of
 * its own (this file again, with --role=...), all on 127.0.0.1, with bounded request
 * counts. Codes and refresh tokens are single-use, so each load phase is preceded by
 * minting as many as it sends: copies (new id, a new grant each) of the code and refresh
 * token that Larder's real sign-in issued over HTTP at start-up, saved through the
 * provider's own models. Every response is checked (200 with the expected tokens); the
 * failures are counted and printed. PostgreSQL figures (in-process only) when a server
 * answers at 127.0.0.1:5432 (trust auth, database `test`), in a schema dropped afterwards.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { Session } from 'node:inspector';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import Provider, { errors } from 'oidc-provider';
import pg from 'pg';
import { createUser, findUserById } from '../src/accounts/users.js';
import { countRequestsToday, insertApiRequests } from '../src/api/usage.js';
import { loadConfig } from '../src/config.js';
import { createClient } from '../src/oauth/clients.js';
import { createOAuthServer } from '../src/oauth/index.js';
import { OAUTH_ROUTES, TOKEN_LIFETIMES } from '../src/oauth/provider.js';
import { startServer } from '../src/server.js';
import { createViews } from '../src/views/render.js';
import { Visitor } from '../test/accounts/visitor.js';
import { freePort } from '../test/helpers/server.js';
import { GPT_CALLBACK, PASSWORD, answerConsent, authorizeUrl, followAuthorization, postForm } from '../test/oauth/oauth-helpers.js';

const SCOPES = ['foods:read', 'diary:read', 'diary:write', 'profile'];
const CONNECTIONS = 10;
/** Token requests per measured phase (each needs its own code or refresh token), and per warm-up. */
const TOKEN_REQUESTS = 4000;
const TOKEN_WARMUP = 400;
const HEALTH_REQUESTS = 40_000;
const ME_REQUESTS = 4000;
/** Requests sent one at a time (a single connection): latency without queueing. */
const SEQUENTIAL_REQUESTS = 2000;
const GET_WARMUP = 2000;
/** A pro user this many requests into their UTC day (the pro quota is 20,000 a day). */
const BUSY_ROWS = 15_000;
/** In-process timing: calls measured (after as many warm-up calls) and access tokens stored. */
const INPROCESS_CALLS = 4000;
const STORED_ACCESS_TOKENS = 2000;
/** No phase may run longer than this (the request counts above bound it first). */
const PHASE_LIMIT_MS = 25_000;

const selfPath = fileURLToPath(import.meta.url);

// ---------------------------------------------------------------------------------------
// Shared by the server roles: timing, minting through the provider's models, RPC.

export interface Spread {
  median: number;
  p99: number;
}

export function spread(samples: number[]): Spread {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (p: number) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? Number.NaN;
  return { median: at(0.5), p99: at(0.99) };
}

/** Median and p99 in microseconds of `calls` sequential awaited calls, after as many warm-up calls. */
async function timeCalls(calls: number, fn: (i: number) => Promise<unknown>): Promise<Spread> {
  for (let i = 0; i < calls; i++) await fn(i);
  const samples: number[] = [];
  for (let i = 0; i < calls; i++) {
    const started = process.hrtime.bigint();
    await fn(i);
    samples.push(Number(process.hrtime.bigint() - started) / 1000);
  }
  return spread(samples);
}

export type Payload = Record<string, unknown>;
interface SavedModel {
  save(): Promise<string>;
}
type ModelClass = new (payload: Payload) => SavedModel;
export interface Models {
  Grant: ModelClass;
  AuthorizationCode: ModelClass & { find(id: string): Promise<Payload | undefined> };
  RefreshToken: ModelClass & { find(id: string): Promise<Payload | undefined> };
  AccessToken: ModelClass & { find(id: string): Promise<Payload | undefined> };
}

/** oidc-provider's models; the project's declarations (src/oauth/oidc-provider.d.ts) only type `find`. */
export function modelsOf(provider: Provider): Models {
  return provider as unknown as Models;
}

/** What a stored model carries, less what each copy gets anew (id, times, grant, consumption). */
export function templateOf(model: Payload): Payload {
  const fresh = new Set(['jti', 'kind', 'iat', 'exp', 'consumed', 'grantId']);
  return Object.fromEntries(Object.entries(model).filter(([key, value]) => !fresh.has(key) && value !== undefined));
}

export interface Templates {
  grant: Payload;
  code: Payload;
  refresh: Payload;
}

/** `count` copies of a code or refresh token, each under a new copy of the grant (as `count` people would have). */
export async function mint(models: Models, kind: 'AuthorizationCode' | 'RefreshToken', templates: Templates, count: number): Promise<string[]> {
  const token = kind === 'AuthorizationCode' ? templates.code : templates.refresh;
  const one = async (): Promise<string> => {
    const grantId = await new models.Grant(structuredClone(templates.grant)).save();
    return new models[kind]({ ...structuredClone(token), grantId }).save();
  };
  // Several at a time: on PostgreSQL each save is a round trip, and the pool has ten connections.
  const values: string[] = [];
  for (let done = 0; done < count; done += 16) values.push(...(await Promise.all(Array.from({ length: Math.min(16, count - done) }, one))));
  return values;
}

export type Handler = (...args: never[]) => Promise<unknown>;

/** profileStart / profileStop(file): a CPU profile of this process between two calls (node:inspector). */
export function profilerHandlers(): Record<string, Handler> {
  const inspector = new Session();
  inspector.connect();
  const post = (method: string, params?: object) =>
    new Promise<unknown>((resolve, reject) => inspector.post(method, params, (error, result) => (error ? reject(error) : resolve(result))));
  return {
    profileStart: async () => {
      await post('Profiler.enable');
      await post('Profiler.setSamplingInterval', { interval: 200 });
      await post('Profiler.start');
    },
    profileStop: async (file: string) => {
      const { profile } = (await post('Profiler.stop')) as { profile: unknown };
      writeFileSync(file, JSON.stringify(profile));
    },
  };
}

/** A child process answers the parent's calls over IPC; `stop` ends it once answered. */
export function serve(handlers: Record<string, Handler>, ready: unknown): void {
  process.on('message', (message: { id: number; method: string; args: unknown[] }) => {
    const handler = handlers[message.method] as ((...args: unknown[]) => Promise<unknown>) | undefined;
    (handler ? handler(...message.args) : Promise.reject(new Error(`no method ${message.method}`))).then(
      (result) => process.send!({ id: message.id, result }, () => message.method === 'stop' && process.exit(0)),
      (error: unknown) => process.send!({ id: message.id, error: error instanceof Error ? (error.stack ?? error.message) : String(error) }),
    );
  });
  process.send!({ ready });
}

// ---------------------------------------------------------------------------------------
// Role "larder": Larder as `npm start` runs it, on a fresh SQLite file (or PostgreSQL schema).

export interface LarderReady {
  baseUrl: string;
  apiResource: string;
  dialect: string;
  clientId: string;
  clientSecret: string;
  redirectUri: string;
  templates: Templates;
  /** Access tokens from the real sign-in: a person with no API request today, and one BUSY_ROWS requests in. */
  quietToken: string;
  busyToken: string;
}

/** The real sign-in over HTTP: log-in, consent, code; then the code exchange. */
export async function signIn(baseUrl: string, email: string, clientId: string, clientSecret: string, models: Models) {
  const visitor = new Visitor(baseUrl);
  let outcome = await followAuthorization(visitor, authorizeUrl({ response_type: 'code', client_id: clientId, redirect_uri: GPT_CALLBACK, state: 's', scope: '' }), {
    login: { email, password: PASSWORD },
  });
  if (outcome.page && /class="consent"/.test(outcome.page.body)) outcome = await answerConsent(visitor, outcome.page, 'allow', outcome.trail);
  const code = outcome.redirect?.searchParams.get('code');
  if (!code) throw new Error(`no code: ${outcome.trail.join(' -> ')}`);
  const codeModel = await models.AuthorizationCode.find(code);
  if (!codeModel) throw new Error('the code just issued is not in the database');
  const grant = await (models.Grant as unknown as { find(id: string): Promise<Payload | undefined> }).find(String(codeModel.grantId));
  if (!grant) throw new Error('the grant of the code just issued is not in the database');
  const tokens = await postForm(baseUrl, OAUTH_ROUTES.token, { grant_type: 'authorization_code', code, redirect_uri: GPT_CALLBACK, client_id: clientId, client_secret: clientSecret });
  if (tokens.status !== 200) throw new Error(`token request failed: ${JSON.stringify(tokens.body)}`);
  const accessToken = String(tokens.body.access_token);
  const refreshModel = await models.RefreshToken.find(String(tokens.body.refresh_token));
  if (!refreshModel) throw new Error('the refresh token just issued is not in the database');
  return { accessToken, templates: { grant: templateOf(grant), code: templateOf(codeModel), refresh: templateOf(refreshModel) } };
}

async function larderRole(): Promise<void> {
  const storage = mkdtempSync(path.join(os.tmpdir(), 'larder-bench-oauth-'));
  const port = await freePort();
  const config = loadConfig(
    {
      NODE_ENV: 'production',
      HOST: '127.0.0.1',
      PORT: String(port),
      APP_URL: `http://127.0.0.1:${port}`,
      LARDER_STORAGE: storage,
      LOG_LEVEL: 'silent',
      LARDER_BUNDLED_CATALOG: 'false',
      // The measured phases send more /api requests than a day's pro quota; the count is still made on each.
      LARDER_QUOTA_PRO: '1000000',
      ...(process.env.BENCH_DATABASE_URL ? { DATABASE_URL: process.env.BENCH_DATABASE_URL } : {}),
    },
    { readEnvFile: false },
  );
  const server = await startServer(config);
  const db = server.database.db;
  // A second provider instance over the same database and keys, as a second Larder process
  // would have: it mints and reads the same rows the listening server issues and checks.
  const { provider, apiResource } = createOAuthServer({ config, db, views: createViews(config.viewsDir) });
  const models = modelsOf(provider);

  const { client, clientSecret } = await createClient(db, { name: 'Bench GPT', redirectUris: [GPT_CALLBACK], scopes: SCOPES });
  const quiet = await createUser(db, { email: 'quiet@example.com', password: PASSWORD, name: 'Quiet', plan: 'pro' });
  const busy = await createUser(db, { email: 'busy@example.com', password: PASSWORD, name: 'Busy', plan: 'pro' });
  const first = await signIn(config.appUrl, quiet.email, client.clientId, clientSecret!, models);
  const second = await signIn(config.appUrl, busy.email, client.clientId, clientSecret!, models);

  const at = Date.now();
  for (let done = 0; done < BUSY_ROWS; done += 500) {
    const rows = Array.from({ length: Math.min(500, BUSY_ROWS - done) }, () => ({
      user_id: busy.id, client_id: client.clientId, grant_id: null, method: 'GET', route: '/api/me', status: 200, duration_ms: 1, created_at: at,
    }));
    await db.insertInto('api_requests').values(rows).execute();
  }
  // The quota reads the per-day counter (src/api/usage-ledger.ts): make the busy day count there too.
  await db
    .insertInto('api_usage_daily')
    .values({ user_id: busy.id, day: new Date(at).toISOString().slice(0, 10), requests: BUSY_ROWS })
    .onConflict((oc) => oc.columns(['user_id', 'day']).doUpdateSet({ requests: BUSY_ROWS }))
    .execute();

  const handlers: Record<string, Handler> = {
    mintCodes: async (count: number) => mint(models, 'AuthorizationCode', first.templates, count),
    mintRefreshTokens: async (count: number) => mint(models, 'RefreshToken', first.templates, count),
    /** Each step of the bearer check (src/api/bearer.ts), alone, in this process. */
    inProcess: async () => {
      const atTemplate = templateOf((await models.AccessToken.find(first.accessToken))!);
      const tokens: string[] = [];
      for (let i = 0; i < STORED_ACCESS_TOKENS; i++) tokens.push(await new models.AccessToken(structuredClone(atTemplate)).save());
      let misses = 0;
      const find = await timeCalls(INPROCESS_CALLS, async (i) => {
        if (!(await models.AccessToken.find(tokens[(i * 7919) % tokens.length]!))) misses++;
      });
      const findUser = await timeCalls(INPROCESS_CALLS, () => findUserById(db, quiet.id));
      const quietCount = await countRequestsToday(db, quiet.id);
      const busyCount = await countRequestsToday(db, busy.id);
      const countQuiet = await timeCalls(INPROCESS_CALLS, () => countRequestsToday(db, quiet.id));
      const countBusy = await timeCalls(Math.min(INPROCESS_CALLS, 1000), () => countRequestsToday(db, busy.id));
      const record = await timeCalls(Math.min(INPROCESS_CALLS, 1000), () =>
        insertApiRequests(db, [{ userId: quiet.id, clientId: client.clientId, grantId: undefined, method: 'GET', route: '/api/me', status: 200, durationMs: 1, at: new Date() }]),
      );
      await db.deleteFrom('api_requests').where('user_id', '=', quiet.id).execute();
      const stored = await db.selectFrom('oauth_models').select((eb) => eb.fn.countAll<number | string>().as('n')).executeTakeFirstOrThrow();
      return { find, misses, findUser, countQuiet, countBusy, quietCount, busyCount, record, oauthRows: Number(stored.n) };
    },
    requestsToday: async () => ({ quiet: await countRequestsToday(db, quiet.id), busy: await countRequestsToday(db, busy.id) }),
    stop: async () => {
      await server.stop();
      rmSync(storage, { recursive: true, force: true });
    },
  };
  const ready: LarderReady = {
    baseUrl: config.appUrl,
    apiResource,
    dialect: server.database.dialect,
    clientId: client.clientId,
    clientSecret: clientSecret!,
    redirectUri: GPT_CALLBACK,
    templates: first.templates,
    quietToken: first.accessToken,
    busyToken: second.accessToken,
  };
  serve(handlers, ready);
}

// ---------------------------------------------------------------------------------------
// Role "bare": oidc-provider alone (its own HTTP server, no Fastify), configured like
// src/oauth/provider.ts, with its default in-memory adapter.

export interface BareReady {
  baseUrl: string;
  apiResource: string;
  clientId: string;
  clientSecret: string;
  redirectUri: string;
}

export async function bareRole(): Promise<void> {
  const port = await freePort();
  const issuer = `http://127.0.0.1:${port}`;
  const apiResource = `${issuer}/api`;
  const clientId = 'bench-client';
  const clientSecret = randomBytes(32).toString('base64url');
  // oidc-provider's own MemoryAdapter class, over its own LRU store: the default store holds
  // 1,000 entries and would drop pre-minted codes before the load reached them, so only its
  // capacity is raised. (Deep imports: the package has no exports map.)
  const memoryAdapterModule = 'oidc-provider/lib/adapters/memory_adapter.js';
  const lruModule = 'oidc-provider/lib/helpers/lru.js';
  const { default: MemoryAdapter } = (await import(memoryAdapterModule)) as { default: new (model: string, store: unknown, clockTolerance: number) => never };
  const { default: LRU } = (await import(lruModule)) as { default: new (options: { maxSize: number }) => unknown };
  const store = new LRU({ maxSize: 500_000 });
  // An RSA key, as Larder generates (src/oauth/keys.ts); no token here is signed with it.
  const jwk = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'jwk' });

  const provider = new Provider(issuer, {
    adapter: (name: string) => new MemoryAdapter(name, store, 15),
    clients: [
      {
        client_id: clientId,
        client_secret: clientSecret,
        redirect_uris: [GPT_CALLBACK],
        grant_types: ['authorization_code', 'refresh_token'],
        response_types: ['code'],
        token_endpoint_auth_method: 'client_secret_basic',
      },
    ],
    jwks: { keys: [{ ...jwk, kid: 'bench', alg: 'RS256', use: 'sig' }] },
    cookies: { keys: [randomBytes(32).toString('base64url')] },
    routes: OAUTH_ROUTES,
    scopes: ['openid'],
    claims: { openid: ['sub'] },
    responseTypes: ['code'],
    clientAuthMethods: ['client_secret_basic', 'client_secret_post', 'none'],
    pkce: { required: (_ctx: unknown, client: { clientAuthMethod: string }) => client.clientAuthMethod === 'none' },
    features: {
      devInteractions: { enabled: false },
      registration: { enabled: false },
      userinfo: { enabled: false },
      rpInitiatedLogout: { enabled: false },
      revocation: { enabled: true },
      introspection: { enabled: true },
      resourceIndicators: {
        enabled: true,
        defaultResource: async () => apiResource,
        useGrantedResource: async () => true,
        getResourceServerInfo: async (_ctx: unknown, resourceIndicator: string) => {
          if (resourceIndicator !== apiResource) throw new errors.InvalidTarget!(`the only resource is ${apiResource}`);
          return { scope: SCOPES.join(' '), audience: apiResource, accessTokenTTL: TOKEN_LIFETIMES.accessToken, accessTokenFormat: 'opaque' };
        },
      },
    },
    issueRefreshToken: async (_ctx: unknown, client: { grantTypeAllowed(type: string): boolean }) => client.grantTypeAllowed('refresh_token'),
    rotateRefreshToken: () => true,
    expiresWithSession: async () => false,
    findAccount: async (_ctx: unknown, sub: string) => ({ accountId: sub, claims: () => ({ sub }) }),
    ttl: {
      AccessToken: TOKEN_LIFETIMES.accessToken,
      AuthorizationCode: TOKEN_LIFETIMES.authorizationCode,
      RefreshToken: TOKEN_LIFETIMES.refreshToken,
      Grant: TOKEN_LIFETIMES.grant,
      Interaction: TOKEN_LIFETIMES.interaction,
      Session: TOKEN_LIFETIMES.session,
      IdToken: TOKEN_LIFETIMES.accessToken,
    },
  });
  provider.on('server_error', (_ctx: unknown, error: unknown) => console.error('bare oidc-provider server_error', error));
  const models = modelsOf(provider);
  const httpServer = http.createServer(provider.callback());
  await new Promise<void>((resolve) => httpServer.listen(port, '127.0.0.1', resolve));

  serve(
    {
      ...profilerHandlers(),
      mintCodes: async (count: number, templates: Templates) => mint(models, 'AuthorizationCode', templates, count),
      mintRefreshTokens: async (count: number, templates: Templates) => mint(models, 'RefreshToken', templates, count),
      stop: async () => {
        httpServer.closeAllConnections();
        await new Promise((resolve) => httpServer.close(resolve));
      },
    },
    { baseUrl: issuer, apiResource, clientId, clientSecret, redirectUri: GPT_CALLBACK } satisfies BareReady,
  );
}

// ---------------------------------------------------------------------------------------
// The parent: starts the servers, mints, runs the load, prints the figures.

/**
 * A server role in a child process of its own (`script --role=<role>`), answering calls
 * over IPC. `cpu` pins the whole process, every thread, to that CPU (taskset), so a
 * benchmark can keep the load tool on the other one.
 */
export class Child<Ready> {
  readonly ready: Promise<Ready>;
  readonly #child: ChildProcess;
  readonly #pending = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();
  #next = 1;
  readonly #exited: Promise<void>;

  constructor(role: string, env: Record<string, string> = {}, options: { script?: string; cpu?: number; nodeArgs?: string[] } = {}) {
    const nodeArgs = [...process.execArgv, ...(options.nodeArgs ?? [])];
    const pinned = options.cpu === undefined ? { execArgv: nodeArgs } : { execPath: 'taskset', execArgv: ['-c', String(options.cpu), process.execPath, ...nodeArgs] };
    this.#child = fork(options.script ?? selfPath, [`--role=${role}`], { env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'inherit', 'ipc'], ...pinned });
    this.#exited = new Promise((resolve) => this.#child.once('exit', () => resolve()));
    this.ready = new Promise((resolve, reject) => {
      this.#child.on('message', (message: { ready?: Ready; id?: number; result?: unknown; error?: string }) => {
        if (message.ready !== undefined) return resolve(message.ready);
        const pending = this.#pending.get(message.id!);
        this.#pending.delete(message.id!);
        if (message.error !== undefined) pending?.reject(new Error(`${role}: ${message.error}`));
        else pending?.resolve(message.result);
      });
      this.#child.once('exit', (code) => {
        const error = new Error(`the ${role} process exited (${code})`);
        reject(error);
        for (const pending of this.#pending.values()) pending.reject(error);
      });
    });
  }

  call<T>(method: string, ...args: unknown[]): Promise<T> {
    const id = this.#next++;
    return new Promise<T>((resolve, reject) => {
      this.#pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
      this.#child.send({ id, method, args });
    });
  }

  async stop(): Promise<void> {
    if (this.#child.exitCode === null) {
      await this.call('stop').catch(() => this.#child.kill());
      await this.#exited;
    }
  }

  kill(): void {
    if (this.#child.exitCode === null) this.#child.kill();
  }

  /** The process id (taskset execs node in place, so a pinned child keeps it). */
  get pid(): number {
    return this.#child.pid!;
  }
}

interface LoadResult {
  requests: number;
  seconds: number;
  rps: number;
  latencyMs: Spread;
  failed: number;
  /** Connection errors and timeouts, as autocannon counts them. */
  errors: number;
  sample: string | undefined;
}

/**
 * Sends `amount` requests over CONNECTIONS keep-alive connections. With `bodies`, each
 * request takes the next body (one each, never reused). A response counts as failed
 * unless it is 200 and passes `check`.
 */
async function load(options: {
  url: string;
  method: 'GET' | 'POST';
  headers?: Record<string, string>;
  bodies?: string[];
  amount: number;
  connections?: number;
  check?: (body: string) => boolean;
}): Promise<LoadResult> {
  const { bodies, check } = options;
  if (bodies && bodies.length < options.amount) throw new Error(`${bodies.length} bodies for ${options.amount} requests`);
  let nextBody = 0;
  let failed = 0;
  let sample: string | undefined;
  const latencies: number[] = [];
  let lastAnswer = 0;
  const url = new URL(options.url);
  const request: autocannon.Request = {
    method: options.method,
    path: url.pathname,
    headers: options.headers,
    onResponse: (status, body) => {
      if (status === 200 && (!check || check(body))) return;
      failed++;
      sample ??= `${status} ${body.slice(0, 300)}`;
    },
  };
  if (bodies) request.setupRequest = (req) => ({ ...req, body: bodies[nextBody++] });
  const started = performance.now();
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon(
      { url: url.origin, connections: options.connections ?? CONNECTIONS, pipelining: 1, amount: options.amount, timeout: 10, requests: [request] },
      (error, result) => (error ? reject(error) : resolve(result)),
    );
    instance.on('response', (_client, _status, _bytes, responseTime) => {
      latencies.push(responseTime);
      lastAnswer = performance.now();
    });
    const guard = setTimeout(() => instance.stop(), PHASE_LIMIT_MS);
    instance.on('done', () => clearTimeout(guard));
  });
  // From the start to the last answer: autocannon itself only notices the end on its 1-second tick.
  const seconds = (lastAnswer - started) / 1000;
  const missing = options.amount - latencies.length;
  return {
    requests: latencies.length,
    seconds,
    rps: latencies.length / seconds,
    latencyMs: spread(latencies),
    failed: failed + Math.max(0, missing),
    errors: result.errors + result.timeouts,
    sample: sample ?? (missing > 0 ? `${missing} requests never answered (phase limit ${PHASE_LIMIT_MS / 1000} s)` : undefined),
  };
}

interface TokenTarget {
  name: string;
  child: Child<unknown>;
  baseUrl: string;
  clientId: string;
  clientSecret: string;
  redirectUri: string;
  templates: Templates;
}

const hasTokens = (body: string) => body.includes('"access_token"') && body.includes('"refresh_token"');

async function tokenPhase(target: TokenTarget, grant: 'authorization_code' | 'refresh_token', amount: number): Promise<LoadResult> {
  const minted = await target.child.call<string[]>(grant === 'authorization_code' ? 'mintCodes' : 'mintRefreshTokens', amount, target.templates);
  const auth = { client_id: target.clientId, client_secret: target.clientSecret };
  const bodies = minted.map((value) =>
    new URLSearchParams(
      grant === 'authorization_code' ? { grant_type: grant, code: value, redirect_uri: target.redirectUri, ...auth } : { grant_type: grant, refresh_token: value, ...auth },
    ).toString(),
  );
  return load({
    url: `${target.baseUrl}${OAUTH_ROUTES.token}`,
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
    bodies,
    amount,
    check: hasTokens,
  });
}

/** Larder's templates rewritten for the bare provider: its issuer's resource and its client id. */
export function retarget(templates: Templates, from: { apiResource: string; clientId: string }, to: { apiResource: string; clientId: string }): Templates {
  return JSON.parse(JSON.stringify(templates).split(from.apiResource).join(to.apiResource).split(from.clientId).join(to.clientId)) as Templates;
}

const fmt = (value: number, digits = 0) => value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
const pad = (text: string, width: number) => text.padEnd(width);

function loadLine(label: string, r: LoadResult): string {
  const failures = r.failed === 0 && r.errors === 0 ? 'all 200' : `FAILED ${r.failed}, connection errors/timeouts ${r.errors}`;
  return (
    `  ${pad(label, 44)} ${fmt(r.rps).padStart(7)} req/s   latency median ${fmt(r.latencyMs.median, 2).padStart(6)} ms, p99 ${fmt(r.latencyMs.p99, 2).padStart(6)} ms` +
    `   (${fmt(r.requests)} requests in ${fmt(r.seconds, 1)} s, ${failures})${r.sample ? `\n      first failure: ${r.sample}` : ''}`
  );
}

interface InProcess {
  find: Spread;
  misses: number;
  findUser: Spread;
  countQuiet: Spread;
  countBusy: Spread;
  quietCount: number;
  busyCount: number;
  record: Spread;
  oauthRows: number;
}

export async function postgresReachable(url: string): Promise<string | undefined> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    const row = await client.query<{ server_version: string }>('show server_version');
    return row.rows[0]?.server_version ?? 'unknown';
  } catch {
    return undefined;
  } finally {
    await client.end().catch(() => undefined);
  }
}

async function main(): Promise<void> {
  const started = performance.now();
  const children: Array<Child<unknown>> = [];
  process.on('exit', () => children.forEach((child) => child.kill()));
  const out: string[] = [];
  const say = (line: string) => {
    out.push(line);
    console.log(line);
  };
  let failures = 0;
  const tally = (r: LoadResult) => {
    failures += r.failed + r.errors;
    return r;
  };

  // --- the token endpoint: Larder against the bare provider, alternating, each warmed up first.
  const larder = new Child<LarderReady>('larder');
  children.push(larder as Child<unknown>);
  const bare = new Child<BareReady>('bare');
  children.push(bare as Child<unknown>);
  const [l, b] = await Promise.all([larder.ready, bare.ready]);
  const larderTarget: TokenTarget = { name: 'Larder (Fastify + SQLite)', child: larder as Child<unknown>, ...l };
  const bareTarget: TokenTarget = { name: 'bare oidc-provider (memory adapter)', child: bare as Child<unknown>, ...b, templates: retarget(l.templates, l, b) };
  console.log(`servers up after ${fmt((performance.now() - started) / 1000, 1)} s (Larder ${l.baseUrl}, ${l.dialect}; bare oidc-provider ${b.baseUrl}); measuring...`);

  const token: Record<string, Record<string, LoadResult>> = { authorization_code: {}, refresh_token: {} };
  for (const grant of ['authorization_code', 'refresh_token'] as const) {
    for (const target of [larderTarget, bareTarget]) tally(await tokenPhase(target, grant, TOKEN_WARMUP));
    for (const target of [larderTarget, bareTarget]) token[grant]![target.name] = tally(await tokenPhase(target, grant, TOKEN_REQUESTS));
  }
  await bare.stop();

  // --- the bearer check, in process (before any /api load, so the quiet person has no request today).
  const sqlite = await larder.call<InProcess>('inProcess');

  // --- the bearer check over HTTP: /api/me against /health on the same Larder. Warm-ups
  // use the busy person's token, so the quiet one has no request today until measured.
  const api = (path: string, amount: number, tokenValue?: string, connections = CONNECTIONS) =>
    load({ url: `${l.baseUrl}${path}`, method: 'GET', amount, connections, ...(tokenValue ? { headers: { authorization: `Bearer ${tokenValue}` } } : {}) });
  const today = () => larder.call<{ quiet: number; busy: number }>('requestsToday');
  tally(await api('/health', GET_WARMUP));
  tally(await api('/api/me', GET_WARMUP, l.busyToken));
  const seqHealth = tally(await api('/health', SEQUENTIAL_REQUESTS, undefined, 1));
  const seqQuietFrom = (await today()).quiet;
  const seqMe = tally(await api('/api/me', SEQUENTIAL_REQUESTS, l.quietToken, 1));
  const health = tally(await api('/health', HEALTH_REQUESTS));
  const quietFrom = (await today()).quiet;
  const meQuiet = tally(await api('/api/me', ME_REQUESTS, l.quietToken));
  const busyFrom = (await today()).busy;
  const meBusy = tally(await api('/api/me', ME_REQUESTS, l.busyToken));
  const healthAgain = tally(await api('/health', HEALTH_REQUESTS));
  await larder.stop();

  // --- PostgreSQL, in process only, when a server is there.
  const pgBase = 'postgres://postgres@127.0.0.1:5432/test';
  const pgVersion = await postgresReachable(pgBase);
  let postgres: InProcess | undefined;
  if (pgVersion) {
    const schema = `bench_${randomBytes(6).toString('hex')}`;
    const onPg = new Child<LarderReady>('larder', { BENCH_DATABASE_URL: `${pgBase}?schema=${schema}` });
    children.push(onPg as Child<unknown>);
    try {
      await onPg.ready;
      postgres = await onPg.call<InProcess>('inProcess');
    } finally {
      await onPg.stop();
      const client = new pg.Client({ connectionString: pgBase });
      await client.connect();
      await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      await client.end();
    }
  }

  // --- figures.
  const cpus = os.cpus();
  const require = createRequire(import.meta.url);
  const versionOf = (name: string) => (require(`${name}/package.json`) as { version: string }).version;
  say('');
  say(`## OAuth figures: Node ${process.version}, ${cpus.length} CPU (${cpus[0]?.model.trim() ?? '?'}), loopback 127.0.0.1, oidc-provider ${versionOf('oidc-provider')}`);
  say(
    `load: autocannon ${versionOf('autocannon')} in the parent process, ${CONNECTIONS} keep-alive connections unless said, each server alone in a child process; ` +
      'latency is per request as the client sees it; every phase after a warm-up',
  );
  say('');
  for (const [grant, label] of [
    ['authorization_code', `token endpoint, grant_type=authorization_code (client_secret_post), ${fmt(TOKEN_REQUESTS)} distinct codes`],
    ['refresh_token', `token endpoint, grant_type=refresh_token (rotated: each answer has a new refresh token), ${fmt(TOKEN_REQUESTS)} distinct refresh tokens`],
  ] as const) {
    const ours = token[grant]![larderTarget.name]!;
    const base = token[grant]![bareTarget.name]!;
    say(`${label}:`);
    say(loadLine(larderTarget.name, ours));
    say(loadLine(`${bareTarget.name} (baseline)`, base));
    say(
      `  Larder/bare: throughput ${fmt(ours.rps / base.rps, 2)}x, median latency ${fmt(ours.latencyMs.median / base.latencyMs.median, 2)}x; ` +
        `server time per request ~ 1/throughput: Larder ${fmt(1e6 / ours.rps)} µs, bare ${fmt(1e6 / base.rps)} µs (+${fmt(1e6 / ours.rps - 1e6 / base.rps)} µs)`,
    );
    say('');
  }
  const healthRps = (health.rps + healthAgain.rps) / 2;
  const range = (from: number, count: number) => `${fmt(from)} -> ${fmt(from + count)} requests today`;
  say('bearer check, Larder on SQLite (GET /api/me needs a valid token with scope profile; GET /health needs nothing):');
  say(' one request at a time (1 connection):');
  say(loadLine('GET /health (baseline)', seqHealth));
  say(loadLine(`GET /api/me, ${range(seqQuietFrom, SEQUENTIAL_REQUESTS)}`, seqMe));
  say(
    `  /api/me over /health, one at a time: median latency +${fmt((seqMe.latencyMs.median - seqHealth.latencyMs.median) * 1000)} µs, ` +
      `p99 +${fmt((seqMe.latencyMs.p99 - seqHealth.latencyMs.p99) * 1000)} µs per request`,
  );
  say(` under load (${CONNECTIONS} connections):`);
  say(loadLine('GET /health (baseline, before)', health));
  say(loadLine(`GET /api/me, ${range(quietFrom, ME_REQUESTS)}`, meQuiet));
  say(loadLine(`GET /api/me, ${range(busyFrom, ME_REQUESTS)}`, meBusy));
  say(loadLine('GET /health (baseline, after)', healthAgain));
  for (const [label, r] of [['quiet person', meQuiet], ['busy person', meBusy]] as const) {
    say(
      `  /api/me (${label}) over /health: +${fmt(1e6 / r.rps - 1e6 / healthRps)} µs of server time per request (1/throughput; /health averaged), ` +
        `throughput ${fmt(r.rps / healthRps, 3)}x`,
    );
  }
  say('');
  say(`the bearer check's steps alone, in process, sequential awaited calls (median / p99 µs over ${fmt(INPROCESS_CALLS)} calls or 1,000 for the last two):`);
  const col = (s: Spread | undefined) => (s ? `${fmt(s.median, 1).padStart(7)} / ${fmt(s.p99, 1).padStart(7)}` : '      (not run)  ');
  say(`  ${pad('', 62)} ${pad('SQLite', 19)} ${pgVersion ? `PostgreSQL ${pgVersion}` : 'PostgreSQL (not reachable at 127.0.0.1:5432: skipped)'}`);
  say(`  ${pad(`provider.AccessToken.find (${fmt(STORED_ACCESS_TOKENS)} tokens stored, a hit each)`, 62)} ${col(sqlite.find)}   ${col(postgres?.find)}`);
  say(`  ${pad('findUserById', 62)} ${col(sqlite.findUser)}   ${col(postgres?.findUser)}`);
  say(`  ${pad(`countRequestsToday, ${fmt(sqlite.quietCount)} requests today`, 62)} ${col(sqlite.countQuiet)}   ${col(postgres?.countQuiet)}`);
  say(`  ${pad(`countRequestsToday, ${fmt(sqlite.busyCount)} requests today`, 62)} ${col(sqlite.countBusy)}   ${col(postgres?.countBusy)}`);
  say(`  ${pad('insertApiRequests (one record alone; the server batches them)', 62)} ${col(sqlite.record)}   ${col(postgres?.record)}`);
  say(`  (oauth_models rows at the time: SQLite ${fmt(sqlite.oauthRows)}${postgres ? `, PostgreSQL ${fmt(postgres.oauthRows)}` : ''}; find misses: ${sqlite.misses + (postgres?.misses ?? 0)})`);
  say('');
  say('what differs between the two token servers (otherwise the options of src/oauth/provider.ts: client auth methods, PKCE only for public');
  say('clients, resource indicators with the API as the one resource and opaque access tokens, refresh tokens always issued and rotated, TTLs, routes):');
  say("  - storage: Larder's Kysely adapter, one SQLite table (WAL, synchronous=NORMAL) vs oidc-provider's MemoryAdapter (its LRU raised from 1,000 to 500,000 entries)");
  say("  - HTTP: Fastify and Larder's hooks, then provider.callback() on the raw request vs provider.callback() on a bare node:http server");
  say('  - client: read from oauth_clients on each request (again in getResourceServerInfo), secret hashed (SHA-256) and compared vs a static client in memory');
  say('  - account: findAccount reads the users table vs answers at once');
  say('  - both log nothing (LOG_LEVEL=silent); Larder runs with NODE_ENV=production, without the bundled catalog (unused by these routes), pro quota raised so nothing is 429');
  say('  - codes and refresh tokens: copies (new id, own copy of the grant) of those issued by a real sign-in on Larder, saved through each provider\'s models');
  say('');
  say(`failed or unanswered requests, all phases including warm-ups: ${failures}`);
  say(`total time ${fmt((performance.now() - started) / 1000, 1)} s`);
  if (failures > 0 || sqlite.misses > 0 || (postgres?.misses ?? 0) > 0) process.exitCode = 1;
}

// Run only when started as a script: bench/hot-path.ts imports the roles and helpers above.
if (process.argv[1] !== undefined && path.resolve(process.argv[1]) === selfPath) {
  const role = process.argv.find((arg) => arg.startsWith('--role='))?.slice('--role='.length);
  if (role === 'larder') await larderRole();
  else if (role === 'bare') await bareRole();
  else await main();
}
