import { sql } from 'kysely';
import type { Db } from '../db/index.js';
import { preparedQuery } from '../db/prepared-query.js';
import type { LimitStore } from './limiter.js';

// Read on every token request (the failure count of its address): built once (src/db/prepared-query.ts).
const readWindow = preparedQuery<{ count: number | string; window_ends_at: number | string }, [string, number]>((db, key, nowMs) =>
  db.selectFrom('rate_limits').select(['count', 'window_ends_at']).where('key', '=', key).where('window_ends_at', '>', nowMs).limit(1),
);

/**
 * Counters in the `rate_limits` table (migration 0021): one row per key, updated by a
 * single upsert so instances sharing the database never lose a count to a race.
 */
export function databaseLimitStore(db: Db): LimitStore {
  return {
    kind: 'database',
    async add(key, cost, windowMs, nowMs) {
      const endsAt = nowMs + windowMs;
      const ended = sql<boolean>`(rate_limits.window_ends_at <= ${nowMs})`;
      const row = await db
        .insertInto('rate_limits')
        .values({ key, count: cost, window_ends_at: endsAt })
        .onConflict((oc) =>
          oc.column('key').doUpdateSet({
            count: sql`case when ${ended} then ${cost} else rate_limits.count + ${cost} end`,
            window_ends_at: sql`case when ${ended} then ${endsAt} else rate_limits.window_ends_at end`,
          }),
        )
        .returning(['count', 'window_ends_at'])
        .executeTakeFirstOrThrow();
      return { count: Number(row.count), endsAtMs: Number(row.window_ends_at) };
    },
    async read(key, nowMs) {
      const [row] = (await readWindow(db, key, nowMs)).rows;
      return row ? { count: Number(row.count), endsAtMs: Number(row.window_ends_at) } : undefined;
    },
    async subtract(key, cost, nowMs) {
      await db
        .updateTable('rate_limits')
        .set({ count: sql`case when rate_limits.count > ${cost} then rate_limits.count - ${cost} else 0 end` })
        .where('key', '=', key)
        .where('window_ends_at', '>', nowMs)
        .execute();
    },
    async remove(key) {
      await db.deleteFrom('rate_limits').where('key', '=', key).execute();
    },
    async purge(nowMs) {
      const result = await db.deleteFrom('rate_limits').where('window_ends_at', '<=', nowMs).executeTakeFirst();
      return Number(result.numDeletedRows);
    },
    async close() {
      // The database belongs to the caller.
    },
  };
}
