import cookie from '@fastify/cookie';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Config } from '../config.js';
import type { Db } from '../db/index.js';
import type { Views } from '../views/render.js';
import { loadCsrfSecret, type AccountsContext } from './context.js';
import { csrfField, verifyCsrf } from './csrf.js';
import { AccountInputError } from './errors.js';
import { logIn } from './login.js';
import { planLabel } from './plans.js';
import { safeReturnTo } from './return-to.js';
import { currentSession, currentUser, endSession, loginUrl, resendRenewedSessionCookie, startSession } from './session.js';
import { createUser, type User } from './users.js';

/** Renders one part of /account (the OAuth module adds connected apps and recent history). Returns trusted HTML. */
export type AccountSection = (user: User, request: FastifyRequest, reply: FastifyReply) => Promise<string>;

export interface AccountRoutesOptions {
  db: Db;
  config: Config;
  views: Views;
  accountSections?: AccountSection[];
}

type FormBody = Record<string, unknown> | undefined;

/** A text field of a form body; anything else (missing, repeated) reads as empty. */
function field(body: unknown, name: string): string {
  const value = body && typeof body === 'object' ? (body as Record<string, unknown>)[name] : undefined;
  return typeof value === 'string' ? value : '';
}

/** `?return_to=` appended to a page link, when there is a safe one to keep. */
function withReturnTo(path: string, returnTo: string | undefined): string {
  return returnTo === undefined ? path : `${path}?return_to=${encodeURIComponent(returnTo)}`;
}

/**
 * People's pages: /register, /login, /logout and /account. Registered without
 * encapsulation (like fastify-plugin) so the session decorator and the cookie-renewal
 * hook reach every route, including the OAuth module's interaction pages.
 */
export async function accountRoutes(app: FastifyInstance, options: AccountRoutesOptions): Promise<void> {
  const { db, config, views } = options;
  const sections = options.accountSections ?? [];
  if (!app.hasDecorator('parseCookie')) await app.register(cookie);
  const context: AccountsContext = { db, secureCookies: config.appUrl.startsWith('https:'), csrfSecret: await loadCsrfSecret(db) };
  app.decorate('larderAccounts', context);
  app.addHook('onSend', async (request, reply, payload) => {
    resendRenewedSessionCookie(request, reply);
    return payload;
  });

  const page = (reply: FastifyReply, name: string, data: Record<string, unknown>, status = 200) =>
    reply
      .code(status)
      .header('cache-control', 'no-store')
      .type('text/html; charset=utf-8')
      .send(views.render(name, data));

  const loginPage = async (
    request: FastifyRequest,
    reply: FastifyReply,
    state: { returnTo: string | undefined; email?: string; errors?: Record<string, string>; notice?: string },
    status = 200,
  ) => {
    const user = await currentUser(request);
    return page(
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
      },
      status,
    );
  };

  const registerPage = async (
    request: FastifyRequest,
    reply: FastifyReply,
    state: { returnTo: string | undefined; name?: string; email?: string; errors?: Record<string, string> },
    status = 200,
  ) => {
    const user = await currentUser(request);
    return page(
      reply,
      'register',
      {
        title: 'Create your account',
        csrf: csrfField(request, reply),
        returnTo: state.returnTo ?? '',
        name: state.name ?? '',
        email: state.email ?? '',
        errors: state.errors ?? {},
        signedIn: user !== undefined,
        loginUrl: withReturnTo('/login', state.returnTo),
      },
      status,
    );
  };

  app.get<{ Querystring: { return_to?: unknown; logged_out?: unknown } }>('/login', { schema: { hide: true } }, async (request, reply) => {
    const notice = request.query.logged_out !== undefined ? 'You have logged out.' : undefined;
    return loginPage(request, reply, { returnTo: safeReturnTo(request.query.return_to), ...(notice ? { notice } : {}) });
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

    const result = await logIn(db, { email, password, ip: request.ip });
    if (result.outcome === 'locked') {
      const minutes = Math.ceil(result.retryAfterSeconds / 60);
      reply.header('retry-after', String(result.retryAfterSeconds));
      const form = `Too many failed log-in attempts. To protect this account, log-in is paused: try again in ${minutes} minute${minutes === 1 ? '' : 's'}.`;
      return loginPage(request, reply, { returnTo, email, errors: { form } }, 429);
    }
    if (result.outcome === 'invalid') {
      return loginPage(request, reply, { returnTo, email, errors: { form: 'That email and password do not match an account. Check both and try again.' } }, 400);
    }
    await startSession(request, reply, result.user);
    return reply.redirect(returnTo ?? '/account', 303);
  });

  app.get<{ Querystring: { return_to?: unknown } }>('/register', { schema: { hide: true } }, async (request, reply) =>
    registerPage(request, reply, { returnTo: safeReturnTo(request.query.return_to) }),
  );

  app.post<{ Body: FormBody }>('/register', { schema: { hide: true } }, async (request, reply) => {
    await verifyCsrf(request);
    const returnTo = safeReturnTo(field(request.body, 'return_to'));
    const name = field(request.body, 'name').trim();
    const email = field(request.body, 'email').trim();
    const password = field(request.body, 'password');
    if (name === '') return registerPage(request, reply, { returnTo, name, email, errors: { name: 'Enter your name.' } }, 400);
    let user: User;
    try {
      user = await createUser(db, { name, email, password });
    } catch (error) {
      if (error instanceof AccountInputError) return registerPage(request, reply, { returnTo, name, email, errors: { ...error.fields } }, error.status);
      throw error;
    }
    await startSession(request, reply, user);
    return reply.redirect(returnTo ?? '/account', 303);
  });

  app.post('/logout', { schema: { hide: true } }, async (request, reply) => {
    // Without a session there is nothing to protect: just forget any stale cookie.
    if (await currentSession(request)) await verifyCsrf(request);
    await endSession(request, reply);
    return reply.redirect('/login?logged_out=1', 303);
  });

  app.get('/account', { schema: { hide: true } }, async (request, reply) => {
    const user = await currentUser(request);
    if (!user) return reply.redirect(loginUrl('/account'), 303);
    const rendered = await Promise.all(sections.map((section) => section(user, request, reply)));
    return page(reply, 'account', {
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
