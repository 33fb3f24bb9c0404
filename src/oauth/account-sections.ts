import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { csrfField, verifyCsrf } from '../accounts/csrf.js';
import { currentUser, loginUrl } from '../accounts/session.js';
import type { User } from '../accounts/users.js';
import { historyView } from '../api/history-view.js';
import { lastUsedByGrant, recentHistory } from '../api/usage.js';
import type { Db } from '../db/index.js';
import type { Views } from '../views/render.js';
import { findClients, type OAuthClient } from './clients.js';
import { listConnectedApps, revokeGrant } from './grants.js';
import { describeRedirectTarget } from './redirect-uris.js';
import { describeScopes } from './scopes.js';

export type AccountSection = (user: User, request: FastifyRequest, reply: FastifyReply) => Promise<string>;

const GRANT_ID_PATTERN = /^[A-Za-z0-9_-]{1,255}$/;

async function clientNames(db: Db, clientIds: string[]): Promise<Map<string, string>> {
  return new Map([...(await findClients(db, clientIds))].map(([id, client]) => [id, client.name]));
}

/**
 * How a connected app came to be, in words: MCP clients that registered themselves are
 * unverified; a metadata-document client is vouched for by the host publishing it.
 */
function describeClientKind(client: OAuthClient | undefined): string | undefined {
  if (!client || client.registration === 'operator') return undefined;
  const target = client.redirectUris[0] ? describeRedirectTarget(client.redirectUris[0]) : undefined;
  const returnsTo = target?.label ? `, returns to ${target.kind === 'loopback' ? `this computer (${target.label})` : target.label}` : '';
  if (client.registration === 'metadata_document') return `MCP connection, identified by ${URL.parse(client.clientId)?.host ?? client.clientId}${returnsTo}`;
  return `MCP connection, registered itself (unverified)${returnsTo}`;
}

/** The /account sections of the OAuth module: connected apps (with Revoke) and recent API history. */
export function oauthAccountSections(options: { db: Db; views: Views }): AccountSection[] {
  const { db, views } = options;
  const connectedApps: AccountSection = async (user, request, reply) => {
    const apps = await listConnectedApps(db, user.id);
    const clients = await findClients(db, apps.map((a) => a.clientId));
    const lastUsed = await lastUsedByGrant(db, apps.map((a) => a.grantId));
    return views.render('account-apps', {
      csrf: csrfField(request, reply),
      apps: apps.map((app) => ({
        grantId: app.grantId,
        clientName: clients.get(app.clientId)?.name ?? app.clientId,
        clientKind: describeClientKind(clients.get(app.clientId)),
        scopes: describeScopes(app.scopes),
        approvedAt: app.approvedAt,
        lastUsedAt: lastUsed.has(app.grantId) ? new Date(lastUsed.get(app.grantId)!).toISOString() : undefined,
      })),
    });
  };
  const history: AccountSection = async (user) => {
    const entries = await recentHistory(db, user.id, 20);
    const names = await clientNames(db, entries.map((e) => e.clientId));
    return views.render('account-history', historyView(entries, names, user.timeZone));
  };
  return [connectedApps, history];
}

/** POST /account/apps/:grantId/revoke: disconnects an app; its tokens stop working at once. */
export async function accountAppRoutes(app: FastifyInstance, options: { db: Db }): Promise<void> {
  const { db } = options;
  app.post<{ Params: { grantId: string } }>('/account/apps/:grantId/revoke', { schema: { hide: true } }, async (request, reply) => {
    await verifyCsrf(request);
    const user = await currentUser(request);
    if (!user) return reply.redirect(loginUrl('/account'), 303);
    const { grantId } = request.params;
    if (GRANT_ID_PATTERN.test(grantId)) await revokeGrant(db, grantId, { accountId: user.id });
    return reply.redirect('/account', 303);
  });
}
