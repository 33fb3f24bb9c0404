import { lastUsedByGrant } from '../api/usage.js';
import { publishChanges } from '../changes/feed.js';
import type { Db } from '../db/index.js';
import { findClients } from './clients.js';
import { listConnectedApps, revokeGrant } from './grants.js';
import { settleTokenWrites } from './token-writes.js';

/** A connected app as the person's export lists it. */
export interface ConnectedAppExport {
  client_id: string;
  name: string;
  scopes: string[];
  approved_at: string;
  /** The last API request made under it (ISO 8601), or null. */
  last_used_at: string | null;
}

/** Every app the person connected (live grants), with its name and what it may do. */
export async function connectedAppsOf(db: Db, accountId: string): Promise<ConnectedAppExport[]> {
  const apps = await listConnectedApps(db, accountId);
  const clients = await findClients(db, apps.map((app) => app.clientId));
  const lastUsed = await lastUsedByGrant(db, apps.map((app) => app.grantId));
  return apps.map((app) => ({
    client_id: app.clientId,
    name: clients.get(app.clientId)?.name ?? app.clientId,
    scopes: [...app.scopes],
    approved_at: app.approvedAt,
    last_used_at: lastUsed.has(app.grantId) ? new Date(lastUsed.get(app.grantId)!).toISOString() : null,
  }));
}

/**
 * Ends everything the authorization server holds for a person: every grant (and with it
 * every code, access and refresh token issued under it: revokeGrant), then anything else
 * stored under their account id (provider sessions, interactions, expired grants). Tokens
 * stop working on their very next request here, and within a second on every other
 * instance (the change feed: each grant's change, then the account's for the rest).
 * Returns how many grants were revoked.
 */
export async function revokeEverythingOf(db: Db, accountId: string): Promise<number> {
  const grants = await db.selectFrom('oauth_models').select('id').where('model', '=', 'Grant').where('account_id', '=', accountId).execute();
  let revoked = 0;
  for (const { id } of grants) if (await revokeGrant(db, id, { accountId })) revoked++;
  await settleTokenWrites(db);
  await publishChanges(db, [{ kind: 'account', key: accountId }], (trx) => trx.deleteFrom('oauth_models').where('account_id', '=', accountId).execute());
  return revoked;
}
