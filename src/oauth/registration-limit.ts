import { sql } from 'kysely';
import type { Db } from '../db/index.js';
import { LarderError } from '../errors.js';

/**
 * Dynamic registration is open (no initial access token), so each address may register
 * only so many clients per window. Generous: Claude registers anew on every connection,
 * and all of Claude's connections arrive from a few of Anthropic's addresses.
 *
 * One small function behind which the shared limiter (src/limits, database or Redis)
 * can take over; until then the counters live in `oauth_registration_counts`, updated by
 * a single upsert so instances sharing the database never lose a count.
 */
export const REGISTRATION_LIMIT = { registrations: 60, windowMs: 60 * 60 * 1000 } as const;

/**
 * 429 with Retry-After. RFC 6749 registers no rate-limit code; `temporarily_unavailable`
 * (section 4.1.2.1) is its "try again later".
 */
export class RegistrationRateLimitedError extends LarderError {
  constructor(retryAfterSeconds: number) {
    super(
      'temporarily_unavailable',
      429,
      `Too many client registrations from this address; try again in ${Math.ceil(retryAfterSeconds / 60)} minute(s).`,
      { 'retry-after': String(retryAfterSeconds) },
    );
    this.name = 'RegistrationRateLimitedError';
  }
}

/** Counts one registration from `address`; throws {@link RegistrationRateLimitedError} when over. */
export async function limitRegistration(db: Db, address: string, now = Date.now()): Promise<void> {
  const key = `register:${address}`.slice(0, 100);
  const endsAt = now + REGISTRATION_LIMIT.windowMs;
  const ended = sql<boolean>`(oauth_registration_counts.window_ends_at <= ${now})`;
  const row = await db
    .insertInto('oauth_registration_counts')
    .values({ key, count: 1, window_ends_at: endsAt })
    .onConflict((oc) =>
      oc.column('key').doUpdateSet({
        count: sql`case when ${ended} then 1 else oauth_registration_counts.count + 1 end`,
        window_ends_at: sql`case when ${ended} then ${endsAt} else oauth_registration_counts.window_ends_at end`,
      }),
    )
    .returning(['count', 'window_ends_at'])
    .executeTakeFirstOrThrow();
  if (Number(row.count) > REGISTRATION_LIMIT.registrations) {
    throw new RegistrationRateLimitedError(Math.max(1, Math.ceil((Number(row.window_ends_at) - now) / 1000)));
  }
}

/** Forgets windows that have ended (the purge timer and `tokens:purge`). */
export async function purgeRegistrationCounts(db: Db, now = Date.now()): Promise<void> {
  await db.deleteFrom('oauth_registration_counts').where('window_ends_at', '<=', now).execute();
}
