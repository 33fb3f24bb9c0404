import type { Db } from '../db/index.js';
import { PASSWORD_MAX_LENGTH, passwordLength, verifyAgainstDummy, verifyPassword } from './passwords.js';
import { attemptKeys, lockedUntil, purgeStaleLoginAttempts, recordLoginFailure, recordLoginSuccess } from './rate-limit.js';
import { findCredentials, type User } from './users.js';

export type LoginResult =
  | { outcome: 'success'; user: User }
  /** Unknown email and wrong password are one outcome: the answer must not tell them apart. */
  | { outcome: 'invalid' }
  | { outcome: 'locked'; retryAfterSeconds: number };

/**
 * Checks an email and password, counting failures per address and per account. A
 * locked key is answered before any password is checked; an unknown email still costs
 * one argon2 verification, so timing does not reveal which emails have accounts.
 */
export async function logIn(db: Db, attempt: { email: string; password: string; ip: string }, now = new Date()): Promise<LoginResult> {
  const keys = attemptKeys(attempt.ip, attempt.email);
  const until = await lockedUntil(db, keys, now);
  if (until) return { outcome: 'locked', retryAfterSeconds: Math.max(1, Math.ceil((until.getTime() - now.getTime()) / 1000)) };

  const credentials = await findCredentials(db, attempt.email);
  const plausible = passwordLength(attempt.password) <= PASSWORD_MAX_LENGTH;
  const valid = credentials && plausible
    ? await verifyPassword(credentials.passwordHash, attempt.password)
    : await verifyAgainstDummy(plausible ? attempt.password : '');
  if (!valid || !credentials) {
    await recordLoginFailure(db, keys, now);
    return { outcome: 'invalid' };
  }
  await recordLoginSuccess(db, keys);
  await purgeStaleLoginAttempts(db, now);
  return { outcome: 'success', user: credentials.user };
}
