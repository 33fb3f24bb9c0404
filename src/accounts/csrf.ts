import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { accountsContext, readCookie, type AccountsContext } from './context.js';
import { CsrfError } from './errors.js';
import { currentSession, SESSION_COOKIE, sessionIdFor } from './session.js';

/** The visitor cookie of the signed double-submit pattern, for forms shown before log-in. */
export const CSRF_COOKIE = 'larder_csrf';
/** The hidden input every form carries. */
export const CSRF_FIELD = '_csrf';

const VISITOR_PATTERN = /^[A-Za-z0-9_-]{32}$/;

function sign(context: AccountsContext, purpose: 'session' | 'visitor', value: string): string {
  return createHmac('sha256', context.csrfSecret).update(`${purpose}|${value}`).digest('base64url');
}

function sameToken(submitted: string, expected: string): boolean {
  const a = Buffer.from(submitted);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * The token for a hidden `<input name="_csrf">`. With a session cookie it is bound to
 * that session (an HMAC of its stored id); before log-in it is the HMAC of a random
 * visitor cookie, set here when missing (OWASP's signed double-submit cookie): a forger
 * can neither read the cookie nor sign one of their own.
 *
 * @example views.render('consent', { csrf: csrfField(request, reply), ... })
 */
export function csrfField(request: FastifyRequest, reply: FastifyReply): string {
  const context = accountsContext(request);
  const sessionToken = readCookie(request, SESSION_COOKIE);
  if (sessionToken !== undefined) return sign(context, 'session', sessionIdFor(sessionToken));
  let visitor = readCookie(request, CSRF_COOKIE);
  if (visitor === undefined || !VISITOR_PATTERN.test(visitor)) {
    visitor = randomBytes(24).toString('base64url');
    reply.setCookie(CSRF_COOKIE, visitor, { httpOnly: true, sameSite: 'lax', path: '/', secure: context.secureCookies });
  }
  return sign(context, 'visitor', visitor);
}

function submittedToken(request: FastifyRequest): string | undefined {
  const body = request.body;
  if (body && typeof body === 'object') {
    const value = (body as Record<string, unknown>)[CSRF_FIELD];
    if (typeof value === 'string') return value;
  }
  const header = request.headers['x-csrf-token'];
  return typeof header === 'string' ? header : undefined;
}

/**
 * Throws CsrfError (403) unless the request carries the token its form was given. A
 * logged-in browser must present its session's token; a visitor token is accepted only
 * while no one is logged in, so it can never authorize an action on an account.
 */
export async function verifyCsrf(request: FastifyRequest): Promise<void> {
  const context = accountsContext(request);
  const submitted = submittedToken(request);
  if (submitted === undefined || submitted.length === 0 || submitted.length > 100) throw new CsrfError();
  const sessionToken = readCookie(request, SESSION_COOKIE);
  if (sessionToken !== undefined && sameToken(submitted, sign(context, 'session', sessionIdFor(sessionToken)))) return;
  const visitor = readCookie(request, CSRF_COOKIE);
  if (visitor !== undefined && VISITOR_PATTERN.test(visitor) && sameToken(submitted, sign(context, 'visitor', visitor))) {
    if (!(await currentSession(request))) return;
  }
  throw new CsrfError();
}
