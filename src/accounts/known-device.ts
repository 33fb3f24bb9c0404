import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { accountsContext, readCookie, type AccountsContext } from './context.js';

/**
 * "Known browser" cookies: set at a successful log-in (and a password reset), they let
 * the owner past the per-account throttle an attacker elsewhere triggers (OWASP's
 * device cookies). Each entry is `userId.nonce.signature`, HMAC-signed with a key from the
 * database, so it cannot be forged or moved to another account; a browser remembers up
 * to MAX_ENTRIES accounts (a shared family computer).
 */
export const DEVICE_COOKIE = 'larder_device';
const MAX_ENTRIES = 5;
const LIFETIME_SECONDS = 365 * 24 * 60 * 60;
const ENTRY_PATTERN = /^(usr_[A-Za-z0-9_-]{1,64})\.([A-Za-z0-9_-]{22})\.([A-Za-z0-9_-]{43})$/;

interface Entry {
  userId: string;
  nonce: string;
  text: string;
}

function signature(context: AccountsContext, userId: string, nonce: string): string {
  return createHmac('sha256', context.deviceSecret).update(`device|${userId}|${nonce}`).digest('base64url');
}

function validEntries(request: FastifyRequest): Entry[] {
  const context = accountsContext(request);
  const value = readCookie(request, DEVICE_COOKIE);
  if (value === undefined || value.length > 1024) return [];
  const entries: Entry[] = [];
  for (const text of value.split('~').slice(0, MAX_ENTRIES)) {
    const match = ENTRY_PATTERN.exec(text);
    if (!match) continue;
    const [, userId = '', nonce = '', given = ''] = match;
    const expected = signature(context, userId, nonce);
    if (timingSafeEqual(Buffer.from(given), Buffer.from(expected))) entries.push({ userId, nonce, text });
  }
  return entries;
}

/** This browser's id for `userId` when it logged in to that account before; undefined otherwise. */
export function knownDeviceFor(request: FastifyRequest, userId: string): string | undefined {
  return validEntries(request).find((entry) => entry.userId === userId)?.nonce;
}

/** Remembers this browser for `userId` (a fresh id each time; other accounts' entries kept). */
export function rememberDevice(request: FastifyRequest, reply: FastifyReply, userId: string): void {
  const context = accountsContext(request);
  const nonce = randomBytes(16).toString('base64url');
  const entry = `${userId}.${nonce}.${signature(context, userId, nonce)}`;
  const others = validEntries(request).filter((e) => e.userId !== userId).map((e) => e.text);
  reply.setCookie(DEVICE_COOKIE, [entry, ...others].slice(0, MAX_ENTRIES).join('~'), {
    httpOnly: true,
    sameSite: 'lax',
    path: '/',
    secure: context.secureCookies,
    maxAge: LIFETIME_SECONDS,
  });
}
