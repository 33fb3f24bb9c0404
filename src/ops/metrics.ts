import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { LarderError } from '../errors.js';

/** What metrics observe: oidc-provider's events and, on PostgreSQL, the connection pool. */
export interface MetricsOptions {
  /** METRICS_TOKEN: scrapers send `Authorization: Bearer <token>`. */
  token: string;
  /** The oidc-provider instance (its events: grant.success, grant.error, authorization.error). */
  provider: { on(event: string, listener: (...args: unknown[]) => void): unknown };
  /** pg's Pool, when the database is PostgreSQL. */
  pool?: PoolLike;
}

export interface PoolLike {
  totalCount: number;
  idleCount: number;
  waitingCount: number;
  on(event: 'error', listener: (error: Error) => void): unknown;
}

/** Prometheus' text exposition format, version 0.0.4. */
const CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

/** Request latencies from a cached search (sub-millisecond) to a slow database (seconds). */
const LATENCY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/**
 * Distinct client ids a label may take. Clients register themselves (RFC 7591) once MCP
 * is on, so an unbounded label would grow Prometheus without end; the rest are "other".
 */
const MAX_CLIENT_LABELS = 200;

/** Paths of the OAuth hand-off (one Fastify route, `/oauth/*`) worth a label of their own. */
const OAUTH_PATHS = /^\/(oauth\/(authorize|token|revoke|introspect|jwks|register)|\.well-known\/[a-z-]+)$/;

class MetricsTokenError extends LarderError {
  constructor() {
    super('invalid_token', 401, 'GET /metrics needs Authorization: Bearer <METRICS_TOKEN>.', { 'www-authenticate': 'Bearer realm="Larder metrics"' });
  }
}

/** Compares a presented token with METRICS_TOKEN in constant time (hashes have equal lengths). */
export function tokenMatches(presented: string, expected: string): boolean {
  const a = createHash('sha256').update(presented).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}

/** The route a request matched, as a bounded label: the pattern, never the URL with its ids and queries. */
function routeLabel(request: FastifyRequest): string {
  const pattern = request.routeOptions.url;
  if (pattern === undefined) return 'unmatched';
  if (pattern.startsWith('/oauth/') || pattern.startsWith('/.well-known/')) {
    const path = (request.raw.url ?? '').split('?')[0] ?? '';
    return OAUTH_PATHS.test(path) ? path : pattern;
  }
  return pattern;
}

/** Who called, when the bearer check established it (API routes); empty otherwise. */
function callerOf(request: FastifyRequest): { clientId: string; plan: string } | undefined {
  const caller = (request as { apiCaller?: { clientId?: unknown; user?: { plan?: unknown } } }).apiCaller;
  if (!caller || typeof caller.clientId !== 'string') return undefined;
  return { clientId: caller.clientId, plan: typeof caller.user?.plan === 'string' ? caller.user.plan : '' };
}

/** A database failure reaching a request: pg's SQLSTATE codes, SQLite's SQLITE_* codes, or a lost connection. */
export function databaseErrorKind(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && code.startsWith('SQLITE_')) return code.toLowerCase();
  if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) && (error as { severity?: unknown }).severity !== undefined) return `pg_${code}`;
  const message = error instanceof Error ? error.message : '';
  if (/Connection terminated|connection timeout|ECONNREFUSED|timeout exceeded when trying to connect/i.test(message)) return 'connection';
  return undefined;
}

/**
 * Prometheus metrics at /metrics, protected by METRICS_TOKEN (off without it: see app.ts).
 * Everything is observed from outside the routes: Fastify's onResponse and onError hooks
 * (route pattern, status, the API caller) and oidc-provider's events, so no route knows.
 */
export function installMetrics(app: FastifyInstance, options: MetricsOptions): Registry {
  const register = new Registry();
  // Process metrics, with nodejs_eventloop_lag_seconds and its percentiles (perf_hooks).
  collectDefaultMetrics({ register });

  const clientLabels = new Set<string>();
  const clientLabel = (clientId: string | undefined): string => {
    if (!clientId) return '';
    if (clientLabels.has(clientId)) return clientId;
    if (clientLabels.size >= MAX_CLIENT_LABELS) return 'other';
    clientLabels.add(clientId);
    return clientId;
  };

  const requests = new Counter({ name: 'larder_http_requests_total', help: 'HTTP requests answered, by route pattern, method, status and API client', labelNames: ['route', 'method', 'status', 'client'], registers: [register] });
  const latency = new Histogram({ name: 'larder_http_request_duration_seconds', help: 'Time to answer an HTTP request, by route pattern and method', labelNames: ['route', 'method'], buckets: LATENCY_BUCKETS, registers: [register] });
  const searches = new Histogram({ name: 'larder_search_duration_seconds', help: 'Time to answer a food search, by where it came from (api, page)', labelNames: ['surface'], buckets: LATENCY_BUCKETS, registers: [register] });
  const quota = new Counter({ name: 'larder_quota_refusals_total', help: 'API requests refused because the daily quota was used up, by plan and client', labelNames: ['plan', 'client'], registers: [register] });
  const issued = new Counter({ name: 'larder_oauth_tokens_issued_total', help: 'Successful token requests, by grant type and client', labelNames: ['grant_type', 'client'], registers: [register] });
  const refused = new Counter({ name: 'larder_oauth_token_refusals_total', help: 'Refused token requests, by grant type and OAuth error (RFC 6749 section 5.2)', labelNames: ['grant_type', 'reason'], registers: [register] });
  const authorizationRefusals = new Counter({ name: 'larder_oauth_authorization_refusals_total', help: 'Authorization requests refused, by OAuth error', labelNames: ['reason'], registers: [register] });
  const databaseErrors = new Counter({ name: 'larder_database_errors_total', help: 'Database errors seen by requests or by the connection pool, by kind', labelNames: ['kind'], registers: [register] });

  app.addHook('onResponse', async (request: FastifyRequest, reply: FastifyReply) => {
    const route = routeLabel(request);
    if (route === '/metrics') return;
    const caller = callerOf(request);
    const seconds = reply.elapsedTime / 1000;
    requests.inc({ route, method: request.method, status: String(reply.statusCode), client: clientLabel(caller?.clientId) });
    latency.observe({ route, method: request.method }, seconds);
    if (route === '/api/foods/search') searches.observe({ surface: 'api' }, seconds);
    else if (route === '/catalog' && typeof (request.query as { q?: unknown } | undefined)?.q === 'string') searches.observe({ surface: 'page' }, seconds);
    if (reply.statusCode === 429 && caller) quota.inc({ plan: caller.plan, client: clientLabel(caller.clientId) });
  });

  app.addHook('onError', async (_request, _reply, error) => {
    const kind = databaseErrorKind(error);
    if (kind) databaseErrors.inc({ kind });
  });

  type TokenContext = { oidc?: { params?: { grant_type?: unknown }; client?: { clientId?: string } } };
  const grantType = (ctx: unknown): string => {
    const value = (ctx as TokenContext).oidc?.params?.grant_type;
    return typeof value === 'string' && /^[a-z_:.-]{1,64}$/i.test(value) ? value : 'unknown';
  };
  const reason = (error: unknown): string => {
    const code = (error as { error?: unknown } | null)?.error;
    return typeof code === 'string' && /^[a-z_]{1,40}$/.test(code) ? code : 'other';
  };
  options.provider.on('grant.success', (ctx: unknown) => issued.inc({ grant_type: grantType(ctx), client: clientLabel((ctx as TokenContext).oidc?.client?.clientId) }));
  options.provider.on('grant.error', (ctx: unknown, error: unknown) => refused.inc({ grant_type: grantType(ctx), reason: reason(error) }));
  options.provider.on('authorization.error', (_ctx: unknown, error: unknown) => authorizationRefusals.inc({ reason: reason(error) }));

  const pool = options.pool;
  if (pool) {
    new Gauge({
      name: 'larder_database_pool_connections',
      help: 'PostgreSQL connections of this process: open, idle, and requests waiting for one',
      labelNames: ['state'],
      registers: [register],
      collect() {
        this.set({ state: 'total' }, pool.totalCount);
        this.set({ state: 'idle' }, pool.idleCount);
        this.set({ state: 'waiting' }, pool.waitingCount);
      },
    });
    pool.on('error', (error) => databaseErrors.inc({ kind: databaseErrorKind(error) ?? 'pool' }));
  }

  app.get('/metrics', { schema: { hide: true } }, async (request, reply) => {
    const header = request.headers.authorization ?? '';
    const presented = /^Bearer +(\S+) *$/i.exec(header)?.[1];
    if (presented === undefined || !tokenMatches(presented, options.token)) throw new MetricsTokenError();
    return reply.type(CONTENT_TYPE).header('cache-control', 'no-store').send(await register.metrics());
  });

  return register;
}
