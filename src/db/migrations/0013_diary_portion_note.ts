import type { Kysely } from 'kysely';

/**
 * When a portion was ambiguous ("1 cup" of banana: sliced or mashed), the entry keeps
 * the note saying which reading was logged, so a retried request (same idempotency key)
 * replies exactly as the first did.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('diary_entries').addColumn('portion_note', 'text').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('diary_entries').dropColumn('portion_note').execute();
}
