import type { FastifyInstance } from 'fastify';
import type { Db } from '../db/index.js';
import { LIMITS, enforceLimit } from '../limits/index.js';
import type { Views } from '../views/render.js';
import { consumeAccountToken, issueAccountToken, peekAccountToken, revokeAccountTokens } from './account-tokens.js';
import { accountsContext } from './context.js';
import { csrfField, verifyCsrf } from './csrf.js';
import { UserNotFoundError } from './errors.js';
import { rememberDevice } from './known-device.js';
import { deliverInBackground } from './mail-delivery.js';
import { messages } from './messages.js';
import { field, sendInvalidLink, sendPage } from './pages.js';
import { hashPassword, passwordProblem } from './passwords.js';
import { unlockAccount } from './rate-limit.js';
import { endAllSessions, endSession } from './session.js';
import { emailProblem, findUserByEmail, normalizeEmail, setPasswordHash, type User } from './users.js';

/**
 * A one-time link to choose a new password (valid one hour, single use, stored hashed):
 * what `larder users:reset-link` prints and the "forgot password" form mails.
 */
export async function createPasswordResetLink(db: Db, appUrl: string, email: string): Promise<{ link: string; user: User; expiresAt: string }> {
  const user = await findUserByEmail(db, email);
  if (!user) throw new UserNotFoundError(normalizeEmail(email));
  const token = await issueAccountToken(db, { purpose: 'password_reset', userId: user.id, email: user.email, data: {} });
  const link = `${appUrl}/reset?token=${token}`;
  return { link, user, expiresAt: new Date(Date.now() + 60 * 60 * 1000).toISOString() };
}

/**
 * /forgot (mails a reset link when SMTP is configured; the same answer whether or not the
 * email has an account) and /reset (sets the new password, ends every session, revokes
 * nothing else: apps keep their access). The token travels in the query string, which
 * logs redact, and pages send no Referer.
 */
export async function recoveryRoutes(app: FastifyInstance, options: { views: Views }): Promise<void> {
  const { views } = options;

  app.get('/forgot', { schema: { hide: true } }, async (request, reply) => {
    const { mailer } = accountsContext(request);
    return sendPage(views, reply, 'forgot', { title: 'Forgot your password', csrf: csrfField(request, reply), canMail: mailer !== undefined, email: '', errors: {} });
  });

  app.post<{ Body: Record<string, unknown> | undefined }>('/forgot', { schema: { hide: true } }, async (request, reply) => {
    await verifyCsrf(request);
    const { db, mailer, appUrl } = accountsContext(request);
    const typed = field(request.body, 'email').trim();
    const problem = emailProblem(normalizeEmail(typed));
    if (!mailer || problem) {
      return sendPage(views, reply, 'forgot', { title: 'Forgot your password', csrf: csrfField(request, reply), canMail: mailer !== undefined, email: typed, errors: problem && mailer ? { email: problem } : {} }, mailer ? 400 : 200);
    }
    await enforceLimit(request, LIMITS.passwordResetRequest);
    const user = await findUserByEmail(db, typed);
    if (user) {
      const { link } = await createPasswordResetLink(db, appUrl, user.email);
      await deliverInBackground(request, messages.passwordResetLink(user.email, appUrl, link));
    }
    return sendPage(views, reply, 'forgot-sent', { title: 'Check your email', email: normalizeEmail(typed) });
  });

  const resetPage = (request: Parameters<typeof csrfField>[0], reply: Parameters<typeof csrfField>[1], token: string, email: string, error?: string) =>
    sendPage(views, reply, 'reset', { title: 'Choose a new password', csrf: csrfField(request, reply), token, email, error }, error ? 400 : 200);

  app.get<{ Querystring: { token?: unknown } }>('/reset', { schema: { hide: true } }, async (request, reply) => {
    const link = await peekAccountToken(accountsContext(request).db, 'password_reset', request.query.token);
    if (!link) return sendInvalidLink(views, reply, 'password reset', 'Ask for a new one on the log-in page, or from the operator.');
    return resetPage(request, reply, String(request.query.token), link.email);
  });

  app.post<{ Body: Record<string, unknown> | undefined }>('/reset', { schema: { hide: true } }, async (request, reply) => {
    await verifyCsrf(request);
    const { db, limiter } = accountsContext(request);
    const token = field(request.body, 'token');
    const password = field(request.body, 'password');
    const problem = passwordProblem(password);
    if (problem) {
      const link = await peekAccountToken(db, 'password_reset', token);
      if (!link) return sendInvalidLink(views, reply, 'password reset', 'Ask for a new one on the log-in page, or from the operator.');
      return resetPage(request, reply, token, link.email, problem);
    }
    const passwordHash = await hashPassword(password);
    const link = await consumeAccountToken(db, 'password_reset', token);
    if (!link || link.userId === null) return sendInvalidLink(views, reply, 'password reset', 'Ask for a new one on the log-in page, or from the operator.');
    await setPasswordHash(db, link.userId, passwordHash);
    await revokeAccountTokens(db, link.userId, 'password_reset');
    await endAllSessions(db, link.userId);
    await endSession(request, reply);
    // Whoever holds the link controls the account: this browser is theirs, and an
    // attacker's failed guesses no longer stand between them and logging in.
    await unlockAccount(limiter, link.email);
    rememberDevice(request, reply, link.userId);
    return reply.redirect('/login?reset=1', 303);
  });
}
