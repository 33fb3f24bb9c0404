import type { Kysely } from 'kysely';

/** A short note a person (or their assistant) keeps with a diary entry ("after the run"). */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('diary_entries').addColumn('note', 'text').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('diary_entries').dropColumn('note').execute();
}
