import type { FastifyInstance, FastifyRequest, RouteOptions } from 'fastify';
import type Provider from 'oidc-provider';
import type { User } from '../accounts/users.js';
import type { Config } from '../config.js';
import type { Db } from '../db/index.js';
import { LarderError } from '../errors.js';
import { countRequestsToday, recordApiRequest, utcDay } from './usage.js';

/** Who is calling an API route, established by the bearer check. */
export interface ApiCaller {
  user: User;
  clientId: string;
  grantId: string | undefined;
  scopes: Set<string>;
}

declare module 'fastify' {
  interface FastifyRequest {
    /** Set on /api routes once the bearer token has been checked. */
    apiCaller?: ApiCaller;
  }
}

export interface BearerAuthOptions {
  provider: Provider;
  db: Db;
  config: Config;
  /** The resource indicator every accepted token must be issued for (its audience). */
  apiResource: string;
  findUser: (id: string) => Promise<User | undefined>;
}

/** RFC 6750 section 2.1: `Authorization: Bearer <b64token>`. */
const BEARER_PATTERN = /^Bearer +([A-Za-z0-9\-._~+/]+=*) *$/i;

function quoted(value: string): string {
  return `"${value.replace(/[\\"]/g, "'")}"`;
}

/** RFC 6750 section 3 challenge. */
function challenge(error: string, description: string, extra: Record<string, string> = {}): Record<string, string> {
  const params = { realm: 'Larder', error, error_description: description, ...extra };
  return { 'www-authenticate': `Bearer ${Object.entries(params).map(([k, v]) => `${k}=${quoted(v)}`).join(', ')}` };
}

export class InvalidTokenError extends LarderError {
  constructor(description: string) {
    // SPEC.md: every missing, malformed, expired or revoked token gets error="invalid_token".
    super('invalid_token', 401, description, challenge('invalid_token', description));
  }
}

export class InsufficientScopeError extends LarderError {
  constructor(needed: string[]) {
    const description = `This request needs the scope ${needed.join(' ')}; connect the app again and allow it.`;
    super('insufficient_scope', 403, description, challenge('insufficient_scope', description, { scope: needed.join(' ') }));
  }
}

export class QuotaExceededError extends LarderError {
  constructor(limit: number, retryAfterSeconds: number, plan: string) {
    super(
      'quota_exceeded',
      429,
      `The daily limit of ${limit} requests for the ${plan} plan is used up; it resets at midnight UTC.${plan === 'free' ? ' The pro plan allows many more.' : ''}`,
      { 'retry-after': String(retryAfterSeconds) },
    );
  }
}

/** RFC 6750 section 2.3 allows tokens in the query string; Larder refuses them (RFC 9700 section 4.3.2: they leak into logs). */
function hasQueryToken(request: FastifyRequest): boolean {
  const query = request.url.split('?')[1];
  return query !== undefined && new URLSearchParams(query).has('access_token');
}

/**
 * The resource server: every route under /api requires a bearer access token issued
 * for the API, with the scopes its schema declares (`schema.scopes`), within the
 * person's daily quota; every such request is recorded once answered.
 *
 * Tokens are opaque and looked up by key on each request, so a revoked grant, a deleted
 * client or a reused refresh token stops its tokens on the very next call.
 */
export function installBearerAuth(app: FastifyInstance, options: BearerAuthOptions): void {
  const { provider, db, config, apiResource, findUser } = options;

  // RFC 9728 section 5.1: point clients (MCP) at the protected resource metadata.
  const metadataUrl = `${config.appUrl}/.well-known/oauth-protected-resource`;
  const authenticate = async (request: FastifyRequest, needed: string[]): Promise<void> => {
    try {
      await checkToken(request, needed);
    } catch (error) {
      if (error instanceof InvalidTokenError) error.headers['www-authenticate'] += `, resource_metadata=${quoted(metadataUrl)}`;
      throw error;
    }
  };

  const checkToken = async (request: FastifyRequest, needed: string[]): Promise<void> => {
    if (hasQueryToken(request)) throw new InvalidTokenError('Send the access token in the Authorization header (Bearer), never in the URL.');
    const header = request.headers.authorization;
    if (header === undefined) throw new InvalidTokenError('This request needs an access token: Authorization: Bearer <token>.');
    const match = BEARER_PATTERN.exec(header);
    if (!match) throw new InvalidTokenError('The Authorization header must be "Bearer <token>".');
    const token = await provider.AccessToken.find(match[1]!);
    if (!token || token.isExpired) throw new InvalidTokenError('The access token is invalid, expired or revoked.');
    const audience = Array.isArray(token.aud) ? (token.aud as string[]) : [token.aud as string];
    if (!audience.includes(apiResource)) throw new InvalidTokenError('The access token was not issued for this API.');
    const user = token.accountId ? await findUser(String(token.accountId)) : undefined;
    if (!user) throw new InvalidTokenError('The account this token was issued for no longer exists.');
    const scopes = new Set(String(token.scope ?? '').split(' ').filter(Boolean));
    const missing = needed.filter((s) => !scopes.has(s));
    if (missing.length > 0) throw new InsufficientScopeError(needed);
    request.apiCaller = { user, clientId: String(token.clientId), grantId: token.grantId ? String(token.grantId) : undefined, scopes };

    const limit = config.quotas[user.plan] ?? config.quotas.free;
    const now = new Date();
    if ((await countRequestsToday(db, user.id, now)) >= limit) {
      throw new QuotaExceededError(limit, Math.max(1, Math.ceil((utcDay(now).end - now.getTime()) / 1000)), user.plan);
    }
  };

  const resourceMetadata = {
    resource: apiResource,
    authorization_servers: [config.appUrl],
    scopes_supported: ['foods:read', 'diary:read', 'diary:write', 'profile'],
    bearer_methods_supported: ['header'],
    resource_name: 'Larder API',
    resource_documentation: `${config.appUrl}/docs`,
  };
  const servesMetadata = { schema: { hide: true } };
  app.get('/.well-known/oauth-protected-resource', servesMetadata, async () => resourceMetadata);
  app.get('/.well-known/oauth-protected-resource/api', servesMetadata, async () => resourceMetadata);

  app.addHook('onRoute', (route: RouteOptions) => {
    if (!route.url.startsWith('/api/') && route.url !== '/api') return;
    const needed = route.schema?.scopes ?? [];
    const check = async (request: FastifyRequest) => authenticate(request, needed);
    route.onRequest = [...(Array.isArray(route.onRequest) ? route.onRequest : route.onRequest ? [route.onRequest] : []), check];
    const record = async (request: FastifyRequest, reply: { statusCode: number; elapsedTime: number }) => {
      const caller = request.apiCaller;
      if (!caller) return;
      try {
        await recordApiRequest(db, {
          userId: caller.user.id,
          clientId: caller.clientId,
          grantId: caller.grantId,
          method: request.method,
          route: route.url,
          status: reply.statusCode,
          durationMs: reply.elapsedTime,
          at: new Date(),
        });
      } catch (error) {
        request.log.error({ err: error }, 'could not record an API request');
      }
    };
    route.onResponse = [...(Array.isArray(route.onResponse) ? route.onResponse : route.onResponse ? [route.onResponse] : []), record];
  });
}

/** The nutrient panel a caller's plan may see: free the main nutrients, pro the full panel. */
export function tierForRequest(request: unknown): 'main' | 'full' {
  return (request as FastifyRequest).apiCaller?.user.plan === 'pro' ? 'full' : 'main';
}
