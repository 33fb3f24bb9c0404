import type { FastifyRequest } from 'fastify';
import type Provider from 'oidc-provider';
import { InvalidTokenError } from '../errors.js';
import type { ProtectedResource } from '../protected-resource.js';
import { isPromise, type MaybePromise } from './run-steps.js';

/** An access token as the authorization server stored it (oidc-provider's AccessToken model). */
export interface IssuedAccessToken {
  /** RFC 8707: the resource(s) it was issued for. */
  aud?: string | string[];
  accountId?: string;
  clientId?: string;
  grantId?: string;
  scope?: string;
  isExpired: boolean;
}

/**
 * Finds an access token by its value; undefined when unknown, revoked or consumed. At once
 * (no promise) when it knows without a read. A finder that looks tokens up by a key derived
 * from the value (verified-tokens.ts: its SHA-256) may say how (`keyOf`, `byKey`): the step
 * then derives the key once per connection and token rather than on every request.
 */
export type FindAccessToken = ((value: string) => MaybePromise<IssuedAccessToken | undefined>) & {
  keyOf?: (value: string) => string;
  byKey?: (key: string, value: string) => MaybePromise<IssuedAccessToken | undefined>;
};

/**
 * The last Authorization header a connection sent, with its token's key: a keep-alive
 * client (an assistant's HTTP pool) sends the same header on every request, which then
 * costs a string comparison instead of the pattern and a SHA-256. It lives on the socket,
 * so no longer than the connection whose buffers held it anyway, and decides nothing: the
 * key is still looked up (and the token's revocation checked) on every request.
 */
const LAST_BEARER = Symbol('larder.lastBearer');
interface BearerMemo {
  header: string;
  value: string;
  key: string;
}
type MemoSocket = { [LAST_BEARER]?: BearerMemo };

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by readBearerToken: the valid, unexpired access token the request carried. */
    accessToken?: IssuedAccessToken;
  }
}

/** Tokens are opaque and looked up by key, so a revoked grant stops its tokens on the very next call. */
export function findAccessTokenIn(provider: Provider): FindAccessToken {
  return async (value) => (await provider.AccessToken.find(value)) as IssuedAccessToken | undefined;
}

/** RFC 6750 section 2.1: `Authorization: Bearer <b64token>`. */
const BEARER_PATTERN = /^Bearer +([A-Za-z0-9\-._~+/]+=*) *$/i;

/** RFC 6750 section 2.3 allows tokens in the query string; Larder refuses them (RFC 9700 section 4.3.2: they leak into logs). */
function hasQueryToken(request: FastifyRequest): boolean {
  if (request.url.indexOf('?') < 0) return false;
  // The query as Fastify parsed it as the request came in (names %-decoded, as URLSearchParams
  // would): no second parse of a query that carries %-escapes, as nearly every search does.
  const query = request.query as Record<string, unknown> | null | undefined;
  return typeof query === 'object' && query !== null && Object.hasOwn(query, 'access_token');
}

/**
 * Step 1: the request carries a bearer token in its Authorization header, and that token
 * is one Larder issued and has not expired or been revoked.
 */
export function readBearerToken(findAccessToken: FindAccessToken, resource: ProtectedResource) {
  const step = readBearerTokenNow(findAccessToken, resource);
  return async function readBearerTokenStep(request: FastifyRequest): Promise<void> {
    await step(request);
  };
}

/** readBearerToken's step itself: done at once when the token is known without a read (run-steps.ts). */
export function readBearerTokenNow(findAccessToken: FindAccessToken, resource: ProtectedResource) {
  const accept = (request: FastifyRequest, token: IssuedAccessToken | undefined): void => {
    if (!token || token.isExpired) throw new InvalidTokenError('The access token is invalid, expired or revoked.', resource);
    request.accessToken = token;
  };
  const { keyOf, byKey } = findAccessToken;
  return function readBearerTokenStep(request: FastifyRequest): void | Promise<void> {
    if (hasQueryToken(request)) throw new InvalidTokenError('Send the access token in the Authorization header (Bearer), never in the URL.', resource);
    const header = request.headers.authorization;
    if (header === undefined) throw new InvalidTokenError('This request needs an access token: Authorization: Bearer <token>.', resource);
    let found: MaybePromise<IssuedAccessToken | undefined>;
    const socket = request.raw.socket as (typeof request.raw.socket & MemoSocket) | null;
    const memo = socket?.[LAST_BEARER];
    if (memo !== undefined && memo.header === header && byKey) {
      found = byKey(memo.key, memo.value);
    } else {
      const match = BEARER_PATTERN.exec(header);
      if (!match) throw new InvalidTokenError('The Authorization header must be "Bearer <token>".', resource);
      const value = match[1]!;
      if (keyOf && byKey) {
        const key = keyOf(value);
        if (socket) socket[LAST_BEARER] = { header, value, key };
        found = byKey(key, value);
      } else {
        found = findAccessToken(value);
      }
    }
    if (isPromise(found)) return found.then((token) => accept(request, token));
    accept(request, found);
  };
}
