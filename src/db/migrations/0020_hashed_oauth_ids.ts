import { createHash } from 'node:crypto';
import type { Kysely } from 'kysely';

/**
 * No token value at rest (src/oauth/adapter.ts): rows stored before this migration are
 * keyed by their raw value. Each is re-keyed by the SHA-256 (base64url) of its id, its
 * payload's `jti` (the same value) blanked and an Interaction's copy of the session
 * cookie dropped, so live sessions, codes and tokens keep working and none is readable.
 * Grants and Clients keep their ids: they are handles, not credentials.
 *
 * Written out here rather than imported from the adapter: a migration must keep doing
 * what it did when it shipped, whatever the adapter becomes.
 */
interface Row {
  model: string;
  id: string;
  payload: string;
}

const CLEAR_ID_MODELS = ['Grant', 'Client'];
const BATCH = 500;

function hashed(id: string): string {
  return createHash('sha256').update(id).digest('base64url');
}

export async function up(db: Kysely<unknown>): Promise<void> {
  const models = db as unknown as Kysely<{ oauth_models: Row }>;
  // Every key first, then the rows a batch at a time: rewritten ids must never be read
  // (and hashed) a second time, which paging over a table being re-keyed could do.
  const keys = await models.selectFrom('oauth_models').select(['model', 'id']).where('model', 'not in', CLEAR_ID_MODELS).execute();
  const byModel = new Map<string, string[]>();
  for (const key of keys) byModel.set(key.model, [...(byModel.get(key.model) ?? []), key.id]);
  for (const [model, ids] of byModel) {
    for (let start = 0; start < ids.length; start += BATCH) {
      const rows = await models
        .selectFrom('oauth_models')
        .select(['model', 'id', 'payload'])
        .where('model', '=', model)
        .where('id', 'in', ids.slice(start, start + BATCH))
        .execute();
      for (const row of rows) {
        const payload = JSON.parse(row.payload) as Record<string, unknown>;
        if (payload.jti === row.id) payload.jti = null;
        const session = payload.session as Record<string, unknown> | undefined;
        if (model === 'Interaction' && session && typeof session === 'object') delete session.cookie;
        await models
          .updateTable('oauth_models')
          .set({ id: hashed(row.id), payload: JSON.stringify(payload) })
          .where('model', '=', model)
          .where('id', '=', row.id)
          .execute();
      }
    }
  }
}

export async function down(): Promise<void> {
  // A hash cannot be turned back into the token; rows stored since stay as they are.
}
