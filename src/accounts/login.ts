import type { RateLimiter } from '../limits/index.js';
import type { Db } from '../db/index.js';
import { PASSWORD_MAX_LENGTH, passwordLength, verifyAgainstDummy, verifyPassword } from './passwords.js';
import { throttleLogIn } from './rate-limit.js';
import { findCredentials, type User } from './users.js';

export type LoginResult =
  | { outcome: 'success'; user: User }
  /** Unknown email and wrong password are one outcome: the answer must not tell them apart. */
  | { outcome: 'invalid' }
  | { outcome: 'throttled'; retryAfterSeconds: number };

/**
 * Checks an email and password under the log-in throttle (rate-limit.ts). `knownDevice`
 * says whether this browser logged in to an account before (known-device.ts). An unknown
 * email still costs one argon2 verification, so timing does not reveal which emails have
 * accounts.
 */
export async function logIn(
  services: { db: Db; limiter: RateLimiter },
  attempt: { email: string; password: string; ip: string; knownDevice: (userId: string) => string | undefined },
): Promise<LoginResult> {
  const credentials = await findCredentials(services.db, attempt.email);
  const throttle = await throttleLogIn(services.limiter, {
    email: attempt.email,
    ip: attempt.ip,
    knownDevice: credentials ? attempt.knownDevice(credentials.user.id) : undefined,
  });
  if (throttle.refusedFor !== undefined) return { outcome: 'throttled', retryAfterSeconds: throttle.refusedFor };

  const plausible = passwordLength(attempt.password) <= PASSWORD_MAX_LENGTH;
  const valid = credentials && plausible
    ? await verifyPassword(credentials.passwordHash, attempt.password)
    : await verifyAgainstDummy(plausible ? attempt.password : '');
  if (!valid || !credentials) {
    await throttle.settle('failure');
    return { outcome: 'invalid' };
  }
  await throttle.settle('success');
  return { outcome: 'success', user: credentials.user };
}
