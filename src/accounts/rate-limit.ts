import type { Db } from '../db/index.js';
import { LIMITS, ruleKey, type LimitDecision, type RateLimiter } from '../limits/index.js';
import { purgeExpiredAccountTokens } from './account-tokens.js';
import { normalizeEmail } from './users.js';

/**
 * Log-in throttling that slows an attacker without locking the owner out (issue 8.5):
 *  - from a browser the account does not know, attempts count per address and per
 *    account (LIMITS.loginAddress, LIMITS.loginAccount); over either, that browser waits;
 *  - from a browser that logged in to the account before (known-device.ts), neither
 *    applies, only a limit on that browser's own failures (LIMITS.loginDevice), in case
 *    its cookie was stolen; over it, the browser counts as unfamiliar again.
 * Unknown emails are counted like real ones, so throttling reveals nothing about accounts.
 */
export interface LoginThrottle {
  /** Undefined: go ahead and check the password. Else: refuse, retry after this many seconds. */
  refusedFor: number | undefined;
  /** Whether the browser is known to the account (its failures count against the browser only). */
  familiar: boolean;
  /** Report the outcome, so counts follow what happened. */
  settle(outcome: 'success' | 'failure'): Promise<void>;
}

export function accountKey(email: string): string {
  return ruleKey(LIMITS.loginAccount, normalizeEmail(email).slice(0, 320));
}

export async function throttleLogIn(limiter: RateLimiter, attempt: { email: string; ip: string; knownDevice: string | undefined }): Promise<LoginThrottle> {
  const deviceKey = attempt.knownDevice === undefined ? undefined : ruleKey(LIMITS.loginDevice, attempt.knownDevice);
  const addressKey = ruleKey(LIMITS.loginAddress, attempt.ip);
  const account = accountKey(attempt.email);

  if (deviceKey !== undefined) {
    const device = await limiter.peek(deviceKey, LIMITS.loginDevice.limit, LIMITS.loginDevice.windowSeconds);
    if (device.allowed) {
      return {
        refusedFor: undefined,
        familiar: true,
        async settle(outcome) {
          if (outcome === 'failure') await limiter.consume(deviceKey, LIMITS.loginDevice.limit, LIMITS.loginDevice.windowSeconds);
          else await limiter.reset(deviceKey);
        },
      };
    }
  }

  // Counted before the password is checked, so parallel guesses cannot all slip under the limit.
  const decisions: LimitDecision[] = await Promise.all([
    limiter.consume(addressKey, LIMITS.loginAddress.limit, LIMITS.loginAddress.windowSeconds),
    limiter.consume(account, LIMITS.loginAccount.limit, LIMITS.loginAccount.windowSeconds),
  ]);
  const refused = decisions.filter((d) => !d.allowed);
  return {
    refusedFor: refused.length === 0 ? undefined : Math.max(...refused.map((d) => d.retryAfterSeconds)),
    familiar: false,
    async settle(outcome) {
      if (outcome !== 'success') return;
      // Only the owner knows the password: their success clears the account's count, and
      // does not use up the address's (many people may share one address).
      await limiter.reset(account);
      await limiter.refund(addressKey);
    },
  };
}

/** `larder users:unlock`: forgets every unfamiliar-browser attempt counted against the account. */
export async function unlockAccount(limiter: RateLimiter, email: string): Promise<void> {
  await limiter.reset(accountKey(email));
}

/**
 * Forgets rate-limit windows that have ended and one-time links that have expired (the
 * name is kept from the lock table this replaced: the hourly purge and tokens:purge call it).
 */
export async function purgeStaleLoginAttempts(db: Db, now = new Date()): Promise<void> {
  await db.deleteFrom('rate_limits').where('window_ends_at', '<=', now.getTime()).execute();
  await purgeExpiredAccountTokens(db, now);
}
