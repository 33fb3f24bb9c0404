import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { LIMITS, ruleKey } from '../limits/index.js';
import type { Views } from '../views/render.js';
import { consumeAccountToken, issueAccountToken, peekAccountToken, revokeAccountTokens } from './account-tokens.js';
import { accountsContext } from './context.js';
import { csrfField, verifyCsrf } from './csrf.js';
import { EmailTakenError } from './errors.js';
import { deliverInBackground } from './mail-delivery.js';
import { messages } from './messages.js';
import { field, sendInvalidLink, sendPage } from './pages.js';
import { hashPassword, passwordProblem, verifyPassword } from './passwords.js';
import { currentSession, endAllSessions, endSession, loginUrl } from './session.js';
import { emailProblem, findPasswordHash, findUserByEmail, normalizeEmail, setPasswordHash, setUserEmail, type User } from './users.js';

/** What `?security=` after a change means, in words: the /account security section shows it. */
const NOTICES: Record<string, { text: string; ok: boolean }> = {
  'password-changed': { text: 'Your password is changed. Every other browser was logged out.', ok: true },
  'wrong-password': { text: 'That is not your current password. Nothing was changed.', ok: false },
  'weak-password': { text: 'Use 10 to 256 characters for your new password. Nothing was changed.', ok: false },
  'bad-email': { text: 'Enter an email address like name@example.com. Nothing was changed.', ok: false },
  'same-email': { text: 'That is already your email address.', ok: false },
  'email-taken': { text: 'That email address belongs to another account. Nothing was changed.', ok: false },
  'email-sent': { text: 'We sent a link to the new address. Your email changes when you open it (within an hour).', ok: true },
  'email-changed': { text: 'Your email address is changed.', ok: true },
  'too-many': { text: 'Too many wrong passwords: wait a few minutes and try again.', ok: false },
};

/** The "Security" part of /account: change password, change email, log out everywhere. */
export function securitySection(views: Views): (user: User, request: FastifyRequest, reply: FastifyReply) => Promise<string> {
  return async (user, request, reply) => {
    const code = (request.query as Record<string, unknown> | undefined)?.security;
    return views.render('account-security', {
      csrf: csrfField(request, reply),
      email: user.email,
      notice: typeof code === 'string' ? NOTICES[code] : undefined,
      mailConfirms: accountsContext(request).mailer !== undefined,
    });
  };
}

function back(reply: FastifyReply, code: keyof typeof NOTICES): FastifyReply {
  return reply.redirect(`/account?security=${code}#security`, 303);
}

/** Checks the current password (throttled per account, so a borrowed session cannot guess it). */
export async function currentPasswordMatches(request: FastifyRequest, user: User, password: string): Promise<boolean | 'throttled'> {
  const { db, limiter } = accountsContext(request);
  const rule = LIMITS.passwordCheck;
  const key = ruleKey(rule, user.id);
  const peek = await limiter.peek(key, rule.limit, rule.windowSeconds);
  if (!peek.allowed) return 'throttled';
  const hash = await findPasswordHash(db, user.id);
  const valid = hash !== undefined && (await verifyPassword(hash, password));
  if (!valid) await limiter.consume(key, rule.limit, rule.windowSeconds);
  return valid;
}

export async function securityRoutes(app: FastifyInstance, options: { views: Views }): Promise<void> {
  const { views } = options;

  app.post<{ Body: Record<string, unknown> | undefined }>('/account/password', { schema: { hide: true } }, async (request, reply) => {
    await verifyCsrf(request);
    const session = await currentSession(request);
    if (!session) return reply.redirect(loginUrl('/account'), 303);
    const { db } = accountsContext(request);
    const matches = await currentPasswordMatches(request, session.user, field(request.body, 'current_password'));
    if (matches === 'throttled') return back(reply, 'too-many');
    if (!matches) return back(reply, 'wrong-password');
    const password = field(request.body, 'new_password');
    if (passwordProblem(password)) return back(reply, 'weak-password');
    await setPasswordHash(db, session.user.id, await hashPassword(password));
    await revokeAccountTokens(db, session.user.id, 'password_reset');
    await endAllSessions(db, session.user.id, { exceptId: session.id });
    return back(reply, 'password-changed');
  });

  app.post<{ Body: Record<string, unknown> | undefined }>('/account/email', { schema: { hide: true } }, async (request, reply) => {
    await verifyCsrf(request);
    const session = await currentSession(request);
    if (!session) return reply.redirect(loginUrl('/account'), 303);
    const { db, mailer, appUrl } = accountsContext(request);
    const user = session.user;
    const matches = await currentPasswordMatches(request, user, field(request.body, 'current_password'));
    if (matches === 'throttled') return back(reply, 'too-many');
    if (!matches) return back(reply, 'wrong-password');
    const email = normalizeEmail(field(request.body, 'new_email'));
    if (emailProblem(email)) return back(reply, 'bad-email');
    if (email === user.email) return back(reply, 'same-email');
    if (!mailer) {
      // Without mail nobody can confirm the address: it changes at once. A logged-in person
      // then learns whether the address is taken; the password check and its throttle bound that.
      try {
        await setUserEmail(db, user.id, email);
      } catch (error) {
        if (error instanceof EmailTakenError) return back(reply, 'email-taken');
        throw error;
      }
      return back(reply, 'email-changed');
    }
    // With mail, the answer is the same whether the new address is taken.
    if (await findUserByEmail(db, email)) {
      await deliverInBackground(request, messages.emailChangeToTakenAddress(email, appUrl));
    } else {
      await revokeAccountTokens(db, user.id, 'email_change');
      const token = await issueAccountToken(db, { purpose: 'email_change', userId: user.id, email, data: {} });
      await deliverInBackground(request, messages.emailChangeLink(email, appUrl, `${appUrl}/account/email/confirm?token=${token}`));
      await deliverInBackground(request, messages.emailChangeRequested(user.email, appUrl, email));
    }
    return back(reply, 'email-sent');
  });

  app.get<{ Querystring: { token?: unknown } }>('/account/email/confirm', { schema: { hide: true } }, async (request, reply) => {
    const link = await peekAccountToken(accountsContext(request).db, 'email_change', request.query.token);
    if (!link) return sendInvalidLink(views, reply, 'email confirmation', 'Ask for a new one on your account page.');
    return sendPage(views, reply, 'email-confirm', { title: 'Confirm your new email', csrf: csrfField(request, reply), token: request.query.token, email: link.email });
  });

  app.post<{ Body: Record<string, unknown> | undefined }>('/account/email/confirm', { schema: { hide: true } }, async (request, reply) => {
    await verifyCsrf(request);
    const { db } = accountsContext(request);
    const link = await consumeAccountToken(db, 'email_change', field(request.body, 'token'));
    if (!link || link.userId === null) return sendInvalidLink(views, reply, 'email confirmation', 'Ask for a new one on your account page.');
    try {
      await setUserEmail(db, link.userId, link.email);
    } catch (error) {
      if (error instanceof EmailTakenError) return sendPage(views, reply, 'error', { title: 'Email not changed', heading: 'Email not changed', message: 'That address has an account of its own by now. Nothing was changed.' }, 409);
      throw error;
    }
    return back(reply, 'email-changed');
  });

  app.post('/account/logout-everywhere', { schema: { hide: true } }, async (request, reply) => {
    await verifyCsrf(request);
    const session = await currentSession(request);
    if (!session) return reply.redirect(loginUrl('/account'), 303);
    await endAllSessions(accountsContext(request).db, session.user.id);
    await endSession(request, reply);
    return reply.redirect('/login?logged_out=everywhere', 303);
  });
}
