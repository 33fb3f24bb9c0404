import { hash } from 'node:crypto';
import type { ChangeFeed } from '../changes/feed.js';
import { SharedCache } from '../changes/shared-cache.js';
import type { FindAccessToken, IssuedAccessToken } from './steps/read-bearer-token.js';
import type { MaybePromise } from './steps/run-steps.js';

/** Longest a verified token is reused without reading the database again. */
export const VERIFIED_TTL_MS = 60_000;
const CAPACITY = 50_000;

/** What the API needs of a verified access token, without the token itself. */
interface VerifiedToken extends IssuedAccessToken {
  /** Expiry, epoch seconds. */
  exp: number;
}

function verified(token: Omit<VerifiedToken, 'isExpired'>): VerifiedToken {
  return {
    ...token,
    // oidc-provider's rule: expired when exp <= now.
    get isExpired() {
      return token.exp <= Date.now() / 1000;
    },
  };
}

/**
 * The key of a token: oauth/adapter.ts's hashModelId (SHA-256, base64url), the name the
 * change feed gives a token, computed by the one-shot `crypto.hash` (0.8 µs against
 * createHash's 2 µs here, on every API request).
 */
export function tokenKey(value: string): string {
  return hash('sha256', value, 'base64url');
}

const optionalString = (value: unknown) => (value === undefined || value === null ? undefined : String(value));

/**
 * Access tokens verified once (found in the database by oidc-provider) and reused for up
 * to {@link VERIFIED_TTL_MS}, keyed by the token's SHA-256 — the token value itself is
 * never a key, as it is never stored. A revocation drops them through the change feed:
 * the token's own (`token:<hash>`), its grant's, its client's or its account's (an account
 * deleted, or everything of it revoked: personal-data/delete.ts); at once on
 * the instance that revoked, within a second on every other. Unknown, revoked and expired
 * tokens are never cached: each such request still reads the database.
 */
export function cachedAccessTokens(find: FindAccessToken, feed: ChangeFeed): FindAccessToken {
  const cache = new SharedCache<VerifiedToken>({
    feed,
    ttlMs: VERIFIED_TTL_MS,
    capacity: CAPACITY,
    validUntil: (token) => token.exp * 1000,
    // The token's own changes name it by the same hash (adapter.ts, destroy).
    tagsOf: (token, key) => [
      `token:${key}`,
      ...(token.grantId ? [`grant:${token.grantId}`] : []),
      ...(token.clientId ? [`client:${token.clientId}`] : []),
      ...(token.accountId ? [`account:${token.accountId}`] : []),
    ],
  });
  const byKey = (key: string, value: string): MaybePromise<VerifiedToken | undefined> => {
    // A token verified before: at once, no promise (the API's hot path).
    const known = cache.get(key);
    if (known !== undefined) return known;
    return cache.load(key, async () => {
      const token = await find(value);
      if (!token || token.isExpired) return undefined;
      const exp = Number((token as { exp?: unknown }).exp);
      if (!Number.isFinite(exp)) return undefined;
      return verified({
        aud: token.aud,
        accountId: optionalString(token.accountId),
        clientId: optionalString(token.clientId),
        grantId: optionalString(token.grantId),
        scope: optionalString(token.scope),
        exp,
      });
    });
  };
  // The request step derives the key itself, once per connection and token (read-bearer-token.ts).
  return Object.assign((value: string) => byKey(tokenKey(value), value), { keyOf: tokenKey, byKey });
}
