import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { csrfField, verifyCsrf } from '../accounts/csrf.js';
import { currentUser, loginUrl } from '../accounts/session.js';
import { formatDateTime } from '../accounts/time-zone.js';
import type { User } from '../accounts/users.js';
import { historyView } from '../api/history-view.js';
import { lastUsedByGrant, recentHistory } from '../api/usage.js';
import type { Db } from '../db/index.js';
import type { Views } from '../views/render.js';
import { findClients, type OAuthClient } from './clients.js';
import { listConnectedApps, revokeGrant, type ConnectedApp } from './grants.js';
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
      revoked: await revokedNotice(db, request, apps),
      timeZone: user.timeZone,
      apps: apps.map((app) => ({
        grantId: app.grantId,
        clientName: clients.get(app.clientId)?.name ?? app.clientId,
        clientKind: describeClientKind(clients.get(app.clientId)),
        scopes: describeScopes(app.scopes),
        approvedAt: app.approvedAt,
        approvedWhen: formatDateTime(app.approvedAt, user.timeZone),
        lastUsedAt: lastUsed.has(app.grantId) ? new Date(lastUsed.get(app.grantId)!).toISOString() : undefined,
        lastUsedWhen: lastUsed.has(app.grantId) ? formatDateTime(new Date(lastUsed.get(app.grantId)!), user.timeZone) : undefined,
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

/**
 * After Revoke, /account says what happened (`?revoked=CLIENT_ID`), and only when it is true:
 * the person has no live grant for that client any more.
 */
async function revokedNotice(db: Db, request: FastifyRequest, apps: readonly ConnectedApp[]): Promise<string | undefined> {
  const clientId = (request.query as Record<string, unknown> | undefined)?.revoked;
  if (typeof clientId !== 'string' || clientId === '' || clientId.length > 2048 || apps.some((app) => app.clientId === clientId)) return undefined;
  const client = (await findClients(db, [clientId])).get(clientId);
  return client ? client.name : undefined;
}

/**
 * Revoke, in two steps that need no script: GET /account/apps/:grantId/revoke shows what
 * the app may do and asks; POST (with the CSRF token) disconnects it, so its tokens stop
 * working at once, and /account says so.
 */
export async function accountAppRoutes(app: FastifyInstance, options: { db: Db; views: Views }): Promise<void> {
  const { db, views } = options;

  const findApp = async (userId: string, grantId: string): Promise<ConnectedApp | undefined> =>
    GRANT_ID_PATTERN.test(grantId) ? (await listConnectedApps(db, userId)).find((connected) => connected.grantId === grantId) : undefined;

  const notConnected = (reply: FastifyReply) =>
    reply
      .code(404)
      .header('cache-control', 'no-store')
      .type('text/html; charset=utf-8')
      .send(views.render('error', { title: 'Not connected', heading: 'This app is not connected', message: 'This app is not connected to your account (any more), so there is nothing to revoke. Your connected apps are listed on your account page.' }));

  app.get<{ Params: { grantId: string } }>('/account/apps/:grantId/revoke', { schema: { hide: true } }, async (request, reply) => {
    const user = await currentUser(request);
    if (!user) return reply.redirect(loginUrl(request.url), 303);
    const connected = await findApp(user.id, request.params.grantId);
    if (!connected) return notConnected(reply);
    const client = (await findClients(db, [connected.clientId])).get(connected.clientId);
    return reply
      .header('cache-control', 'no-store')
      .type('text/html; charset=utf-8')
      .send(
        views.render('revoke-confirm', {
          title: `Revoke ${client?.name ?? 'this app'}`,
          clientName: client?.name ?? connected.clientId,
          scopes: describeScopes(connected.scopes),
          approvedWhen: formatDateTime(connected.approvedAt, user.timeZone),
          action: `/account/apps/${encodeURIComponent(connected.grantId)}/revoke`,
          csrf: csrfField(request, reply),
        }),
      );
  });

  app.post<{ Params: { grantId: string } }>('/account/apps/:grantId/revoke', { schema: { hide: true } }, async (request, reply) => {
    await verifyCsrf(request);
    const user = await currentUser(request);
    if (!user) return reply.redirect(loginUrl('/account'), 303);
    const connected = await findApp(user.id, request.params.grantId);
    if (!connected) return notConnected(reply);
    await revokeGrant(db, connected.grantId, { accountId: user.id });
    return reply.redirect(`/account?revoked=${encodeURIComponent(connected.clientId)}#connected-apps`, 303);
  });
}
