import { hash, randomBytes } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Db } from '../db/index.js';
import { accountsContext, readCookie } from './context.js';
import { safeReturnTo } from './return-to.js';
import { findUserById, type User } from './users.js';

export const SESSION_COOKIE = 'larder_session';
/** Idle lifetime: every visit pushes the expiry this far ahead (sliding expiry). */
export const SESSION_LIFETIME_MS = 14 * 24 * 60 * 60 * 1000;
/** A session's expiry is pushed ahead at most this often, to spare a write on every request. */
const RENEW_AFTER_MS = 10 * 60 * 1000;

/** 32 random bytes as base64url: the only form a session cookie can take. */
const TOKEN_PATTERN = /^[A-Za-z0-9_-]{43}$/;

export interface ActiveSession {
  /** SHA-256 of the cookie value, as stored. */
  id: string;
  user: User;
  expiresAt: string;
}

/** The stored id of a session: its cookie value hashed, so a copy of the table lets no one in. */
export function sessionIdFor(token: string): string {
  return hash('sha256', token, 'hex');
}

function cookieOptions(secure: boolean, maxAgeMs: number) {
  return { httpOnly: true, sameSite: 'lax' as const, path: '/', secure, maxAge: Math.floor(maxAgeMs / 1000) };
}

const resolved = new WeakMap<FastifyRequest, Promise<ActiveSession | undefined>>();
/** Requests whose session was renewed: the onSend hook sends the cookie again with the new lifetime. */
export const renewedSessions = new WeakMap<FastifyRequest, string>();

/** The request's session cookie when it has the only form one can take, else undefined: then no one is logged in. */
function sessionCookieOf(request: FastifyRequest): string | undefined {
  const token = readCookie(request, SESSION_COOKIE);
  return token !== undefined && TOKEN_PATTERN.test(token) ? token : undefined;
}

/** Whether the request may be logged in (it carries a session cookie); false is sure, true needs the lookup (currentSession). */
export function mayHaveSession(request: FastifyRequest): boolean {
  return sessionCookieOf(request) !== undefined;
}

async function lookUpSession(request: FastifyRequest): Promise<ActiveSession | undefined> {
  const token = sessionCookieOf(request);
  if (token === undefined) return undefined;
  const { db } = accountsContext(request);
  const id = sessionIdFor(token);
  const now = new Date();
  const row = await db
    .selectFrom('sessions')
    .select(['user_id', 'expires_at', 'last_seen_at'])
    .where('id', '=', id)
    .where('expires_at', '>', now.toISOString())
    .executeTakeFirst();
  if (!row) return undefined;
  const user = await findUserById(db, row.user_id);
  if (!user) return undefined;
  let expiresAt = row.expires_at;
  if (now.getTime() - Date.parse(row.last_seen_at) >= RENEW_AFTER_MS) {
    expiresAt = new Date(now.getTime() + SESSION_LIFETIME_MS).toISOString();
    await db.updateTable('sessions').set({ last_seen_at: now.toISOString(), expires_at: expiresAt }).where('id', '=', id).execute();
    renewedSessions.set(request, token);
  }
  return { id, user, expiresAt };
}

/** The logged-in session of this request, looked up once per request. */
export function currentSession(request: FastifyRequest): Promise<ActiveSession | undefined> {
  let session = resolved.get(request);
  if (!session) {
    session = lookUpSession(request);
    resolved.set(request, session);
  }
  return session;
}

/**
 * The person logged in on this request's browser, from the `larder_session` cookie.
 *
 * @example const user = await currentUser(request); if (!user) return reply.redirect(loginUrl(request.url));
 */
export async function currentUser(request: FastifyRequest): Promise<User | undefined> {
  return (await currentSession(request))?.user;
}

/**
 * Logs `user` in on this browser with a brand-new session id (never one the browser
 * brought along: session fixation), replacing any session the browser had.
 */
export async function startSession(request: FastifyRequest, reply: FastifyReply, user: User): Promise<void> {
  const { db, secureCookies } = accountsContext(request);
  await endSession(request, reply);
  const token = randomBytes(32).toString('base64url');
  const now = new Date();
  const session: ActiveSession = { id: sessionIdFor(token), user, expiresAt: new Date(now.getTime() + SESSION_LIFETIME_MS).toISOString() };
  await db
    .insertInto('sessions')
    .values({ id: session.id, user_id: user.id, created_at: now.toISOString(), expires_at: session.expiresAt, last_seen_at: now.toISOString() })
    .execute();
  await purgeExpiredSessions(db, now);
  reply.setCookie(SESSION_COOKIE, token, cookieOptions(secureCookies, SESSION_LIFETIME_MS));
  resolved.set(request, Promise.resolve(session));
  renewedSessions.delete(request);
}

/** Deletes the browser's session, if any, and clears its cookie. */
export async function endSession(request: FastifyRequest, reply: FastifyReply): Promise<void> {
  const { db, secureCookies } = accountsContext(request);
  const token = readCookie(request, SESSION_COOKIE);
  if (token !== undefined) {
    await db.deleteFrom('sessions').where('id', '=', sessionIdFor(token)).execute();
    reply.clearCookie(SESSION_COOKIE, { httpOnly: true, sameSite: 'lax', path: '/', secure: secureCookies });
  }
  resolved.set(request, Promise.resolve(undefined));
  renewedSessions.delete(request);
}

/** Sends the session cookie again after its expiry slid forward, so the browser keeps it as long as the server does. */
export function resendRenewedSessionCookie(request: FastifyRequest, reply: FastifyReply): void {
  const token = renewedSessions.get(request);
  if (token === undefined) return;
  renewedSessions.delete(request);
  reply.setCookie(SESSION_COOKIE, token, cookieOptions(accountsContext(request).secureCookies, SESSION_LIFETIME_MS));
}

/**
 * Ends every session of a person on every browser ("log out everywhere", a password
 * reset), or every one but `exceptId` (a password change keeps the browser that made it).
 * Apps keep their access: grants are revoked on their own, from /account.
 */
export async function endAllSessions(db: Db, userId: string, options: { exceptId?: string } = {}): Promise<void> {
  let query = db.deleteFrom('sessions').where('user_id', '=', userId);
  if (options.exceptId !== undefined) query = query.where('id', '!=', options.exceptId);
  await query.execute();
}

export async function purgeExpiredSessions(db: Db, now = new Date()): Promise<void> {
  await db.deleteFrom('sessions').where('expires_at', '<=', now.toISOString()).execute();
}

/**
 * Where to send a person who must log in first; `returnTo` is kept only if it is a
 * local path (anything else would make Larder an open redirector).
 *
 * @example loginUrl('/interaction/abc') === '/login?return_to=%2Finteraction%2Fabc'
 */
export function loginUrl(returnTo: string): string {
  const safe = safeReturnTo(returnTo);
  return safe === undefined ? '/login' : `/login?return_to=${encodeURIComponent(safe)}`;
}
