import type { Kysely } from 'kysely';

/**
 * What each API request did, for the person's "Recent activity" (src/api/activity.ts): a
 * small JSON summary the operation writes (the food, the amount, the meal, the words
 * searched, clipped), never a URL, a query string or a token. Rows from before stay
 * without one and are described by their route.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('api_requests').addColumn('activity', 'text').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('api_requests').dropColumn('activity').execute();
}
