import type { FastifyInstance } from 'fastify';
import type { Views } from '../views/render.js';
import { LIMITS, RateLimitedError, enforceLimit, waitText } from '../limits/index.js';
import { consumeAccountToken, issueAccountToken, peekAccountToken } from './account-tokens.js';
import { accountsContext } from './context.js';
import { csrfField, verifyCsrf } from './csrf.js';
import { rememberDevice } from './known-device.js';
import { deliverInBackground } from './mail-delivery.js';
import { messages } from './messages.js';
import { field, sendInvalidLink, sendPage, withReturnTo } from './pages.js';
import { hashPassword } from './passwords.js';
import { safeReturnTo } from './return-to.js';
import { timeZoneOrUtc } from './time-zone.js';
import { currentUser, startSession } from './session.js';
import { accountProblems, defaultName, findUserByEmail, insertUserIfEmailFree, normalizeEmail } from './users.js';

interface PendingRegistration {
  name: string;
  passwordHash: string;
  returnTo: string | null;
  /** The zone the registration page detected in the browser (absent in links made before). */
  timeZone?: string;
}

/**
 * POST /register, and the confirmation link when mail is configured. Registration never
 * tells whether an email has an account (issue 8.8): every well-formed request costs one
 * argon2 hash and gets the same answer.
 *  - With SMTP: "check your email". A new email gets a one-time link (1 hour) that creates
 *    the account; a taken one gets a notice to its owner.
 *  - Without SMTP, Larder cannot prove anyone owns an email. The account is created when the
 *    email is free, nobody is logged in either way, and both answers are the same redirect
 *    to /login with a neutral notice. Residual: logging in with the password just chosen
 *    works only if the email was free, which a log-in attempt (throttled) reveals.
 */
export async function registrationRoutes(app: FastifyInstance, options: { views: Views }): Promise<void> {
  const { views } = options;

  const registerPage = async (
    request: Parameters<typeof csrfField>[0],
    reply: Parameters<typeof csrfField>[1],
    state: { returnTo: string | undefined; name?: string; email?: string; errors?: Record<string, string> },
    status = 200,
  ) =>
    sendPage(
      views,
      reply,
      'register',
      {
        title: 'Create your account',
        csrf: csrfField(request, reply),
        returnTo: state.returnTo ?? '',
        name: state.name ?? '',
        email: state.email ?? '',
        errors: state.errors ?? {},
        signedIn: (await currentUser(request)) !== undefined,
        loginUrl: withReturnTo('/login', state.returnTo),
        mailConfirms: accountsContext(request).mailer !== undefined,
      },
      status,
    );

  app.get<{ Querystring: { return_to?: unknown } }>('/register', { schema: { hide: true } }, async (request, reply) =>
    registerPage(request, reply, { returnTo: safeReturnTo(request.query.return_to) }),
  );

  app.post<{ Body: Record<string, unknown> | undefined }>('/register', { schema: { hide: true } }, async (request, reply) => {
    await verifyCsrf(request);
    const { db, mailer, appUrl } = accountsContext(request);
    const returnTo = safeReturnTo(field(request.body, 'return_to'));
    const typedName = field(request.body, 'name').trim();
    const typedEmail = field(request.body, 'email').trim();
    try {
      await enforceLimit(request, LIMITS.registration);
    } catch (error) {
      if (!(error instanceof RateLimitedError)) throw error;
      reply.header('retry-after', String(error.retryAfterSeconds));
      const form = `Too many accounts were created from this address recently. Try again in ${waitText(error.retryAfterSeconds)}.`;
      return registerPage(request, reply, { returnTo, name: typedName, email: typedEmail, errors: { form } }, 429);
    }
    const password = field(request.body, 'password');
    if (typedName === '') return registerPage(request, reply, { returnTo, name: typedName, email: typedEmail, errors: { name: 'Enter your name.' } }, 400);
    const email = normalizeEmail(typedEmail);
    const name = defaultName(email, typedName);
    const problems = accountProblems({ email, name, password });
    if (Object.keys(problems).length > 0) return registerPage(request, reply, { returnTo, name: typedName, email: typedEmail, errors: { ...problems } }, 400);

    const passwordHash = await hashPassword(password);
    // Detected by views/assets/larder.js; without script (or with a zone this runtime does not know), UTC.
    const timeZone = timeZoneOrUtc(field(request.body, 'time_zone'));
    if (!mailer) {
      await insertUserIfEmailFree(db, { email, name, passwordHash, timeZone });
      return reply.redirect(withReturnTo('/login', returnTo, { registered: '1' }), 303);
    }

    if (await findUserByEmail(db, email)) {
      await deliverInBackground(request, messages.registrationForTakenEmail(email, appUrl));
    } else {
      const token = await issueAccountToken<PendingRegistration>(db, { purpose: 'registration', userId: null, email, data: { name, passwordHash, returnTo: returnTo ?? null, timeZone } });
      await deliverInBackground(request, messages.registrationLink(email, appUrl, `${appUrl}/register/confirm?token=${token}`));
    }
    return sendPage(views, reply, 'register-sent', { title: 'Check your email', email, signedIn: (await currentUser(request)) !== undefined });
  });

  // The link shows a button rather than acting on GET: mail scanners open links by themselves.
  app.get<{ Querystring: { token?: unknown } }>('/register/confirm', { schema: { hide: true } }, async (request, reply) => {
    const pending = await peekAccountToken<PendingRegistration>(accountsContext(request).db, 'registration', request.query.token);
    if (!pending) return sendInvalidLink(views, reply, 'confirmation', 'Register again to get a new one.');
    return sendPage(views, reply, 'register-confirm', { title: 'Finish creating your account', csrf: csrfField(request, reply), token: request.query.token, email: pending.email });
  });

  app.post<{ Body: Record<string, unknown> | undefined }>('/register/confirm', { schema: { hide: true } }, async (request, reply) => {
    await verifyCsrf(request);
    const { db } = accountsContext(request);
    const pending = await consumeAccountToken<PendingRegistration>(db, 'registration', field(request.body, 'token'));
    if (!pending) return sendInvalidLink(views, reply, 'confirmation', 'Register again to get a new one.');
    const user = await insertUserIfEmailFree(db, { email: pending.email, name: pending.data.name, passwordHash: pending.data.passwordHash, timeZone: timeZoneOrUtc(pending.data.timeZone) });
    if (!user) return reply.redirect('/login?registered=1', 303);
    await startSession(request, reply, user);
    rememberDevice(request, reply, user.id);
    return reply.redirect(safeReturnTo(pending.data.returnTo) ?? '/account', 303);
  });
}
