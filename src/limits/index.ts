import type { Db } from '../db/index.js';
import { databaseLimitStore } from './database-store.js';
import { RateLimiter } from './limiter.js';
import { redisLimitStore } from './redis-store.js';

export { OAuthRateLimitedError, RateLimitedError, waitText } from './errors.js';
export { RateLimiter, ruleKey, type LimitDecision, type LimitRule, type LimitStore } from './limiter.js';
export { LIMITS } from './rules.js';
export { enforceLimit, installRateLimits } from './http.js';

/**
 * The limiter for this configuration: Redis when REDIS_URL is set, else the database,
 * so every instance of one deployment shares the same counts.
 *
 * @example const limiter = createRateLimiter({ db, redisUrl: config.redisUrl });
 */
export function createRateLimiter(options: { db: Db; redisUrl?: string | undefined; now?: () => number }): RateLimiter {
  const store = options.redisUrl ? redisLimitStore(options.redisUrl) : databaseLimitStore(options.db);
  return new RateLimiter(store, options.now ? { now: options.now } : {});
}
