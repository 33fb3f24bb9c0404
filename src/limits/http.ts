import type { ServerResponse } from 'node:http';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type Provider from 'oidc-provider';
import { requestPath } from '../http/request-path.js';
import { OAuthRateLimitedError, RateLimitedError, waitText } from './errors.js';
import { ruleKey, type LimitRule, type RateLimiter } from './limiter.js';
import { LIMITS } from './rules.js';

declare module 'fastify' {
  interface FastifyInstance {
    /** The deployment's shared rate limiter (src/limits). */
    larderLimits: RateLimiter;
  }
}

/** RFC 6749 section 5.2 errors that mean a guess was wrong, not that a request was malformed. */
const COUNTED_TOKEN_ERRORS = new Set(['invalid_grant', 'invalid_client']);

/**
 * An address with no failed token request counted (no window running) is let through without
 * reading its count again for up to CLEAN_ADDRESS_REUSE_MS and CLEAN_ADDRESS_REUSES requests,
 * whichever ends first. Failures this process counts drop the entry at once; failures another
 * instance counts are seen here within that bound, so each other instance lets an address at
 * most CLEAN_ADDRESS_REUSES token requests past the limit.
 */
export const CLEAN_ADDRESS_REUSE_MS = 1000;
export const CLEAN_ADDRESS_REUSES = 16;
const CLEAN_ADDRESSES_MAX = 10_000;

/**
 * Counts one unit of `rule` against the request's address (or `subject`) and throws
 * RateLimitedError (429, Retry-After) when it is over. For routes of any module, e.g.
 * `await enforceLimit(request, LIMITS.registration)`; on OAuth endpoints pass
 * `{ oauth: true }` for the RFC 6749 error code.
 */
export async function enforceLimit(request: FastifyRequest, rule: LimitRule, options: { subject?: string; oauth?: boolean } = {}): Promise<void> {
  const decision = await request.server.larderLimits.consume(ruleKey(rule, options.subject ?? request.ip), rule.limit, rule.windowSeconds);
  if (decision.allowed) return;
  const description = `Too many requests from this address; try again in ${waitText(decision.retryAfterSeconds)}.`;
  throw options.oauth ? new OAuthRateLimitedError(decision.retryAfterSeconds, description) : new RateLimitedError(decision.retryAfterSeconds, description);
}

/**
 * Shares `limiter` with every module (`app.larderLimits`) and limits the OAuth endpoints
 * that would otherwise take unlimited guesses or registrations from one address:
 * failed token requests (counted after oidc-provider answers, refused before it is asked
 * once over) and dynamic client registration (RFC 7591, counted on every request).
 */
export function installRateLimits(app: FastifyInstance, options: { limiter: RateLimiter; provider: Provider }): void {
  const { limiter, provider } = options;
  app.decorate('larderLimits', limiter);
  limiter.onError((error) => app.log.error({ err: error }, 'rate limiter store unavailable: request let through unthrottled'));
  app.addHook('onClose', async () => limiter.close());

  // oidc-provider sees the raw request; its error events carry the raw response, which
  // is how a failure is tied back to the address Fastify worked out (TRUST_PROXY).
  const addresses = new WeakMap<ServerResponse, string>();

  // Addresses read with no failure counted: until when, and how many more times, that is reused.
  const clean = new Map<string, { until: number; left: number }>();

  const limitOAuth = async (request: FastifyRequest, raw: ServerResponse, path: string): Promise<void> => {
    if (path === '/oauth/token') {
      const rule = LIMITS.tokenFailures;
      const ip = request.ip;
      const known = clean.get(ip);
      if (known !== undefined && known.left > 0 && known.until > Date.now()) known.left--;
      else {
        const decision = await limiter.peek(ruleKey(rule, ip), rule.limit, rule.windowSeconds);
        if (!decision.allowed) {
          clean.delete(ip);
          throw new OAuthRateLimitedError(decision.retryAfterSeconds, `Too many failed token requests from this address; try again in ${waitText(decision.retryAfterSeconds)}.`);
        }
        if (decision.count === 0) {
          if (clean.size >= CLEAN_ADDRESSES_MAX) clean.clear();
          clean.set(ip, { until: Date.now() + CLEAN_ADDRESS_REUSE_MS, left: CLEAN_ADDRESS_REUSES });
        } else clean.delete(ip);
      }
      addresses.set(raw, ip);
    } else {
      await enforceLimit(request, LIMITS.clientRegistration, { oauth: true });
    }
  };
  // A callback hook: every other request (the API's among them) passes it without a promise.
  app.addHook('onRequest', (request, reply, done) => {
    if (request.method !== 'POST') return done();
    const path = requestPath(request.url);
    if (path !== '/oauth/token' && path !== '/oauth/register') return done();
    limitOAuth(request, reply.raw, path).then(() => done(), done);
  });

  // A Koa middleware around oidc-provider's routes: it runs after the token endpoint has
  // written its error body and before the reply leaves, so the failure is counted before
  // the client can send its next guess.
  provider.use(async (ctx, next) => {
    await next();
    const ip = addresses.get(ctx.res);
    if (ip === undefined) return;
    const body = ctx.body as { error?: unknown } | undefined;
    if (ctx.status < 400 || typeof body?.error !== 'string' || !COUNTED_TOKEN_ERRORS.has(body.error)) return;
    const rule = LIMITS.tokenFailures;
    clean.delete(ip);
    try {
      await limiter.consume(ruleKey(rule, ip), rule.limit, rule.windowSeconds);
    } catch (failure) {
      app.log.error({ err: failure }, 'could not count a failed token request');
    }
  });
}
