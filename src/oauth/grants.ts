import type { ExpressionBuilder } from 'kysely';
import { publishChanges } from '../changes/feed.js';
import type { Database, Db } from '../db/index.js';
import { epochSeconds } from './adapter.js';
import { settleTokenWrites } from './token-writes.js';
import { orderScopes, splitScopes, type Scope } from './scopes.js';

/**
 * A grant is what a person approved for one client: Larder shows it as a "connected app".
 * Grants and their tokens are oidc-provider models in `oauth_models`; the `account_id` and
 * `client_id` columns (migration 0004) find them without parsing payloads.
 */
export interface ConnectedApp {
  grantId: string;
  clientId: string;
  scopes: Scope[];
  /** When the person approved it (ISO 8601). */
  approvedAt: string;
}

function notExpired(now: number) {
  return (eb: ExpressionBuilder<Database, 'oauth_models'>) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', now)]);
}

/** The newest live grant a person gave a client, if any (loadExistingGrant). */
export async function findGrantFor(db: Db, who: { accountId: string | undefined; clientId: string }): Promise<string | undefined> {
  if (!who.accountId) return undefined;
  const row = await db
    .selectFrom('oauth_models')
    .select('id')
    .where('model', '=', 'Grant')
    .where('account_id', '=', who.accountId)
    .where('client_id', '=', who.clientId)
    .where(notExpired(epochSeconds()))
    .orderBy('expires_at', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row?.id;
}

/** Every live grant of a person, newest first. */
export async function listConnectedApps(db: Db, accountId: string): Promise<ConnectedApp[]> {
  const rows = await db
    .selectFrom('oauth_models')
    .select(['id', 'payload', 'client_id'])
    .where('model', '=', 'Grant')
    .where('account_id', '=', accountId)
    .where(notExpired(epochSeconds()))
    .execute();
  const apps = rows.map((row) => {
    const payload = JSON.parse(row.payload) as { iat?: number; clientId?: string; resources?: Record<string, string>; openid?: { scope?: string } };
    const scopes = orderScopes(Object.values(payload.resources ?? {}).flatMap((s) => splitScopes(s)));
    return {
      grantId: row.id,
      clientId: row.client_id ?? payload.clientId ?? '',
      scopes,
      approvedAt: new Date((payload.iat ?? 0) * 1000).toISOString(),
    };
  });
  return apps.sort((a, b) => b.approvedAt.localeCompare(a.approvedAt));
}

/**
 * Revokes a grant and everything issued under it (codes, access and refresh tokens),
 * effective on the very next API request on this instance, within a second on every other
 * (the change feed). With `accountId`, only that person's grant.
 * Returns whether a grant was found.
 */
export async function revokeGrant(db: Db, grantId: string, options: { accountId?: string } = {}): Promise<boolean> {
  let query = db.selectFrom('oauth_models').select('id').where('model', '=', 'Grant').where('id', '=', grantId);
  if (options.accountId !== undefined) query = query.where('account_id', '=', options.accountId);
  const grant = await query.executeTakeFirst();
  if (!grant) return false;
  // A token of this grant still queued for the group commit lands before the delete, not after.
  await settleTokenWrites(db);
  await publishChanges(db, [{ kind: 'grant', key: grantId }], async (trx) => {
    await trx.deleteFrom('oauth_models').where('grant_id', '=', grantId).where('model', '!=', 'Session').where('model', '!=', 'Interaction').execute();
    await trx.deleteFrom('oauth_models').where('model', '=', 'Grant').where('id', '=', grantId).execute();
  });
  return true;
}
