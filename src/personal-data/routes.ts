import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { csrfField, verifyCsrf } from '../accounts/csrf.js';
import { field, sendPage } from '../accounts/pages.js';
import type { AccountSection } from '../accounts/routes.js';
import { currentPasswordMatches } from '../accounts/security-routes.js';
import { currentSession, currentUser, endSession, loginUrl } from '../accounts/session.js';
import type { Db } from '../db/index.js';
import type { Views } from '../views/render.js';
import { deleteAccount } from './delete.js';
import { diaryCsv, exportPersonalData } from './export.js';

/** "larder-2026-12-01": the name downloads get, by the day they were made. */
function fileName(kind: string, now = new Date()): string {
  return `larder-${kind}-${now.toISOString().slice(0, 10)}`;
}

/** The "Your data" part of /account: the two downloads and the way to delete the account. */
export function personalDataSection(views: Views): AccountSection {
  return async () => views.render('account-data', {});
}

/**
 * The person's data in their hands: /account/export.json (everything Larder holds about
 * them), /account/diary.csv (the diary for a spreadsheet), and deleting the account, which
 * asks for the password again (and the form's CSRF token) before it deletes anything.
 */
export async function personalDataRoutes(app: FastifyInstance, options: { db: Db; appUrl: string; views: Views }): Promise<void> {
  const { db, appUrl, views } = options;

  const download = (reply: FastifyReply, type: string, name: string, body: string) =>
    reply
      .header('cache-control', 'no-store')
      .header('content-disposition', `attachment; filename="${name}"`)
      .type(type)
      .send(body);

  app.get('/account/export.json', { schema: { hide: true } }, async (request, reply) => {
    const user = await currentUser(request);
    if (!user) return reply.redirect(loginUrl('/account'), 303);
    const data = await exportPersonalData(db, appUrl, user.id);
    return download(reply, 'application/json; charset=utf-8', `${fileName('export')}.json`, `${JSON.stringify(data, null, 2)}\n`);
  });

  app.get('/account/diary.csv', { schema: { hide: true } }, async (request, reply) => {
    const user = await currentUser(request);
    if (!user) return reply.redirect(loginUrl('/account'), 303);
    // The byte order mark tells spreadsheet programs the file is UTF-8 ("Crème fraîche").
    return download(reply, 'text/csv; charset=utf-8; header=present', `${fileName('diary')}.csv`, `\uFEFF${await diaryCsv(db, user.id)}`);
  });

  const confirmPage = (request: FastifyRequest, reply: FastifyReply, email: string, error?: string, status = 200) =>
    sendPage(views, reply, 'account-delete', { title: 'Delete your account', email, csrf: csrfField(request, reply), error }, status);

  app.get('/account/delete', { schema: { hide: true } }, async (request, reply) => {
    const user = await currentUser(request);
    if (!user) return reply.redirect(loginUrl('/account/delete'), 303);
    return confirmPage(request, reply, user.email);
  });

  app.post<{ Body: Record<string, unknown> | undefined }>('/account/delete', { schema: { hide: true } }, async (request, reply) => {
    await verifyCsrf(request);
    const session = await currentSession(request);
    if (!session) return reply.redirect(loginUrl('/account/delete'), 303);
    const matches = await currentPasswordMatches(request, session.user, field(request.body, 'password'));
    if (matches === 'throttled') return confirmPage(request, reply, session.user.email, 'Too many wrong passwords: wait a few minutes and try again. Nothing was deleted.', 429);
    if (!matches) return confirmPage(request, reply, session.user.email, 'That is not your password. Nothing was deleted.', 400);
    await deleteAccount(db, session.user.id);
    await endSession(request, reply);
    return reply.redirect('/login?deleted=1', 303);
  });
}
