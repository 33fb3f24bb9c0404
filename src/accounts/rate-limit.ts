import { sql } from 'kysely';
import type { Db } from '../db/index.js';
import { normalizeEmail } from './users.js';

/**
 * Failed log-ins allowed per key within WINDOW_MS before the key is locked for LOCK_MS.
 * An account tolerates few guesses; an address more, since many people may share one
 * (an office, a mobile carrier's NAT) and each may mistype.
 */
export const LOGIN_LIMITS = {
  email: { failures: 5, windowMs: 15 * 60 * 1000, lockMs: 15 * 60 * 1000 },
  ip: { failures: 20, windowMs: 15 * 60 * 1000, lockMs: 15 * 60 * 1000 },
} as const;

export interface AttemptKeys {
  ip: string;
  email: string;
}

export function attemptKeys(ip: string, email: string): AttemptKeys {
  return { ip: `ip:${ip}`, email: `email:${normalizeEmail(email).slice(0, 320)}` };
}

/** When the earliest lock on these keys ends, or undefined when log-in may be tried. */
export async function lockedUntil(db: Db, keys: AttemptKeys, now = new Date()): Promise<Date | undefined> {
  const rows = await db
    .selectFrom('login_attempts')
    .select('locked_until')
    .where('key', 'in', [keys.ip, keys.email])
    .where('locked_until', '>', now.toISOString())
    .execute();
  const until = rows.map((r) => r.locked_until).filter((v): v is string => v !== null).sort().at(-1);
  return until === undefined ? undefined : new Date(until);
}

/**
 * Counts one failure against a key in a single statement, so instances sharing the
 * database never lose a count to a race: a window that has passed starts over, and
 * the failure that reaches the limit sets the lock.
 */
async function countFailure(db: Db, key: string, limit: { failures: number; windowMs: number; lockMs: number }, now: Date): Promise<void> {
  const nowText = now.toISOString();
  const windowStart = new Date(now.getTime() - limit.windowMs).toISOString();
  const lockEnd = new Date(now.getTime() + limit.lockMs).toISOString();
  const expired = sql<boolean>`(login_attempts.window_started_at < ${windowStart})`;
  await db
    .insertInto('login_attempts')
    .values({ key, failures: 1, window_started_at: nowText, locked_until: limit.failures <= 1 ? lockEnd : null })
    .onConflict((oc) =>
      oc.column('key').doUpdateSet({
        failures: sql`case when ${expired} then 1 else login_attempts.failures + 1 end`,
        window_started_at: sql`case when ${expired} then ${nowText} else login_attempts.window_started_at end`,
        locked_until: sql`case when not ${expired} and login_attempts.failures + 1 >= ${limit.failures} then ${lockEnd} else login_attempts.locked_until end`,
      }),
    )
    .execute();
}

export async function recordLoginFailure(db: Db, keys: AttemptKeys, now = new Date()): Promise<void> {
  await countFailure(db, keys.ip, LOGIN_LIMITS.ip, now);
  await countFailure(db, keys.email, LOGIN_LIMITS.email, now);
}

/**
 * A successful log-in forgets the account's failures. The address keeps its count: else
 * one attacker with an account of their own could reset it between guesses at others.
 */
export async function recordLoginSuccess(db: Db, keys: AttemptKeys): Promise<void> {
  await db.deleteFrom('login_attempts').where('key', '=', keys.email).execute();
}

/** Forgets counters whose window and lock have both passed: they can no longer affect anyone. */
export async function purgeStaleLoginAttempts(db: Db, now = new Date()): Promise<void> {
  const longestWindow = Math.max(LOGIN_LIMITS.email.windowMs, LOGIN_LIMITS.ip.windowMs);
  const nowText = now.toISOString();
  await db
    .deleteFrom('login_attempts')
    .where('window_started_at', '<', new Date(now.getTime() - longestWindow).toISOString())
    .where((eb) => eb.or([eb('locked_until', 'is', null), eb('locked_until', '<=', nowText)]))
    .execute();
}
