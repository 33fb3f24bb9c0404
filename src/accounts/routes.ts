import cookie from '@fastify/cookie';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Config } from '../config.js';
import type { Db } from '../db/index.js';
import { waitText, type RateLimiter } from '../limits/index.js';
import type { Mailer } from '../mail/index.js';
import { installPageContext, type PageContext } from '../views/page-context.js';
import type { Views } from '../views/render.js';
import { loadAccountSecret, loadCsrfSecret, type AccountsContext } from './context.js';
import { csrfField, verifyCsrf } from './csrf.js';
import { knownDeviceFor, rememberDevice } from './known-device.js';
import { logIn } from './login.js';
import { planLabel } from './plans.js';
import { field, sendPage, withReturnTo } from './pages.js';
import { recoveryRoutes } from './recovery.js';
import { registrationRoutes } from './registration.js';
import { safeReturnTo } from './return-to.js';
import { securityRoutes, securitySection } from './security-routes.js';
import { currentSession, currentUser, endSession, loginUrl, mayHaveSession, resendRenewedSessionCookie, startSession } from './session.js';
import type { User } from './users.js';

/** Renders one part of /account (the OAuth module adds connected apps and recent history). Returns trusted HTML. */
export type AccountSection = (user: User, request: FastifyRequest, reply: FastifyReply) => Promise<string>;

export interface AccountRoutesOptions {
  db: Db;
  config: Config;
  views: Views;
  accountSections?: AccountSection[];
  /** The deployment's limiter; defaults to the one installRateLimits shared (`app.larderLimits`). */
  limiter?: RateLimiter;
  /** Undefined without SMTP_URL. */
  mailer?: Mailer | undefined;
}

type FormBody = Record<string, unknown> | undefined;

const SIGNED_OUT: PageContext = Object.freeze({ signedIn: false });

const LOGIN_NOTICES: Record<string, string> = {
  logged_out: 'You have logged out.',
  everywhere: 'You have logged out on every browser.',
  registered: 'If this email had no account, yours is ready: log in with the email and password you just chose. If it already had one, log in with that account\'s password.',
  reset: 'Your password is changed and every browser was logged out. Log in with the new password.',
  deleted: 'Your Larder account and everything in it are deleted, and every app you had connected lost its access.',
};

/**
 * People's pages: /register, /login, /logout, /forgot, /reset and /account. Registered
 * without encapsulation (like fastify-plugin) so the session decorator and the
 * cookie-renewal hook reach every route, including the OAuth module's interaction pages.
 */
export async function accountRoutes(app: FastifyInstance, options: AccountRoutesOptions): Promise<void> {
  const { db, config, views } = options;
  const sections = options.accountSections ?? [];
  if (!app.hasDecorator('parseCookie')) await app.register(cookie);
  const limiter = options.limiter ?? app.larderLimits;
  if (!limiter) throw new Error('accountRoutes needs a rate limiter: call installRateLimits first or pass `limiter`');
  const mailer = options.mailer;
  const context: AccountsContext = {
    db,
    secureCookies: config.appUrl.startsWith('https:'),
    csrfSecret: await loadCsrfSecret(db),
    deviceSecret: await loadAccountSecret(db, 'device'),
    limiter,
    mailer,
    appUrl: config.appUrl,
  };
  app.decorate('larderAccounts', context);
  // Every page's header says whether someone is logged in (views/page-context.ts).
  installPageContext(
    app,
    async (request, reply) => ((await currentSession(request)) ? { signedIn: true, logoutCsrf: csrfField(request, reply) } : { signedIn: false }),
    // Without a session cookie no one is logged in: known at once, with no lookup and no promise.
    (request) => (mayHaveSession(request) ? undefined : SIGNED_OUT),
  );
  if (mailer) app.addHook('onClose', async () => mailer.close());
  app.addHook('onSend', (request, reply, payload, done) => {
    resendRenewedSessionCookie(request, reply);
    done(null, payload);
  });

  const loginPage = async (
    request: FastifyRequest,
    reply: FastifyReply,
    state: { returnTo: string | undefined; email?: string; errors?: Record<string, string>; notice?: string | undefined },
    status = 200,
  ) => {
    const user = await currentUser(request);
    return sendPage(
      views,
      reply,
      'login',
      {
        title: 'Log in',
        csrf: csrfField(request, reply),
        returnTo: state.returnTo ?? '',
        email: state.email ?? '',
        errors: state.errors ?? {},
        notice: state.notice,
        signedInAs: user?.name,
        signedIn: user !== undefined,
        registerUrl: withReturnTo('/register', state.returnTo),
        forgotUrl: '/forgot',
      },
      status,
    );
  };

  app.get<{ Querystring: Record<string, unknown> }>('/login', { schema: { hide: true } }, async (request, reply) => {
    const query = request.query;
    const notice =
      query.logged_out === 'everywhere' ? LOGIN_NOTICES.everywhere
      : query.logged_out !== undefined ? LOGIN_NOTICES.logged_out
      : query.registered !== undefined ? LOGIN_NOTICES.registered
      : query.reset !== undefined ? LOGIN_NOTICES.reset
      : query.deleted !== undefined ? LOGIN_NOTICES.deleted
      : undefined;
    return loginPage(request, reply, { returnTo: safeReturnTo(query.return_to), notice });
  });

  app.post<{ Body: FormBody }>('/login', { schema: { hide: true } }, async (request, reply) => {
    await verifyCsrf(request);
    const returnTo = safeReturnTo(field(request.body, 'return_to'));
    const email = field(request.body, 'email').trim();
    const password = field(request.body, 'password');
    const errors: Record<string, string> = {};
    if (email === '') errors.email = 'Enter your email address.';
    if (password === '') errors.password = 'Enter your password.';
    if (Object.keys(errors).length > 0) return loginPage(request, reply, { returnTo, email, errors }, 400);

    const result = await logIn({ db, limiter }, { email, password, ip: request.ip, knownDevice: (userId) => knownDeviceFor(request, userId) });
    if (result.outcome === 'throttled') {
      reply.header('retry-after', String(result.retryAfterSeconds));
      const form = `Too many log-in attempts for this account or from this address, from browsers this account does not know. Log-in from here is paused: try again in ${waitText(result.retryAfterSeconds)}. Browsers you logged in with before still work, and you can reset your password from "Forgot your password?".`;
      return loginPage(request, reply, { returnTo, email, errors: { form } }, 429);
    }
    if (result.outcome === 'invalid') {
      return loginPage(request, reply, { returnTo, email, errors: { form: 'That email and password do not match an account. Check both and try again.' } }, 400);
    }
    await startSession(request, reply, result.user);
    rememberDevice(request, reply, result.user.id);
    return reply.redirect(returnTo ?? '/account', 303);
  });

  await registrationRoutes(app, { views });
  await recoveryRoutes(app, { views });
  await securityRoutes(app, { views });

  app.post('/logout', { schema: { hide: true } }, async (request, reply) => {
    // Without a session there is nothing to protect: just forget any stale cookie.
    if (await currentSession(request)) await verifyCsrf(request);
    await endSession(request, reply);
    return reply.redirect('/login?logged_out=1', 303);
  });

  const security = securitySection(views);
  app.get('/account', { schema: { hide: true } }, async (request, reply) => {
    const user = await currentUser(request);
    if (!user) return reply.redirect(loginUrl('/account'), 303);
    const rendered = await Promise.all([...sections, security].map((section) => section(user, request, reply)));
    return sendPage(views, reply, 'account', {
      title: 'Your account',
      user,
      planName: planLabel(user.plan),
      csrf: csrfField(request, reply),
      sections: rendered,
      signedIn: true,
    });
  });
}

// Like fastify-plugin: register into the parent so decorators and hooks are shared.
Object.assign(accountRoutes, { [Symbol.for('skip-override')]: true, [Symbol.for('fastify.display-name')]: 'larder-accounts' });
