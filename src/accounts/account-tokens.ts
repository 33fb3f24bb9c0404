import { createHash, randomBytes } from 'node:crypto';
import type { Db } from '../db/index.js';

/** What a one-time account link finishes. */
export type AccountTokenPurpose = 'registration' | 'password_reset' | 'email_change';

/** Every link lives one hour (issue 11) and works once. */
export const ACCOUNT_TOKEN_LIFETIME_MS = 60 * 60 * 1000;

export interface AccountToken<Data> {
  purpose: AccountTokenPurpose;
  userId: string | null;
  email: string;
  data: Data;
  expiresAt: string;
}

/** 32 random bytes, base64url: the only shape a link's token has. */
const TOKEN_PATTERN = /^[A-Za-z0-9_-]{43}$/;

function tokenId(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/**
 * Stores a new one-time link and returns its token, for the link only: the table keeps
 * its SHA-256, so a copy of the database opens no link.
 */
export async function issueAccountToken<Data>(
  db: Db,
  input: { purpose: AccountTokenPurpose; userId: string | null; email: string; data: Data },
  now = new Date(),
): Promise<string> {
  const token = randomBytes(32).toString('base64url');
  await db
    .insertInto('account_tokens')
    .values({
      id: tokenId(token),
      purpose: input.purpose,
      user_id: input.userId,
      email: input.email,
      data: JSON.stringify(input.data),
      created_at: now.toISOString(),
      expires_at: new Date(now.getTime() + ACCOUNT_TOKEN_LIFETIME_MS).toISOString(),
    })
    .execute();
  return token;
}

function parse<Data>(row: { purpose: string; user_id: string | null; email: string; data: string; expires_at: string }): AccountToken<Data> {
  return { purpose: row.purpose as AccountTokenPurpose, userId: row.user_id, email: row.email, data: JSON.parse(row.data) as Data, expiresAt: row.expires_at };
}

/** The link's contents while it is valid, without using it up (to show its form). */
export async function peekAccountToken<Data>(db: Db, purpose: AccountTokenPurpose, token: unknown, now = new Date()): Promise<AccountToken<Data> | undefined> {
  if (typeof token !== 'string' || !TOKEN_PATTERN.test(token)) return undefined;
  const row = await db
    .selectFrom('account_tokens')
    .select(['purpose', 'user_id', 'email', 'data', 'expires_at'])
    .where('id', '=', tokenId(token))
    .where('purpose', '=', purpose)
    .where('expires_at', '>', now.toISOString())
    .executeTakeFirst();
  return row ? parse<Data>(row) : undefined;
}

/**
 * Uses a link up: one DELETE … RETURNING, so of two uses at the same moment (two tabs,
 * two instances) exactly one gets the contents.
 */
export async function consumeAccountToken<Data>(db: Db, purpose: AccountTokenPurpose, token: unknown, now = new Date()): Promise<AccountToken<Data> | undefined> {
  if (typeof token !== 'string' || !TOKEN_PATTERN.test(token)) return undefined;
  const row = await db
    .deleteFrom('account_tokens')
    .where('id', '=', tokenId(token))
    .where('purpose', '=', purpose)
    .where('expires_at', '>', now.toISOString())
    .returning(['purpose', 'user_id', 'email', 'data', 'expires_at'])
    .executeTakeFirst();
  return row ? parse<Data>(row) : undefined;
}

/** Cancels a person's outstanding links of one kind (a new password voids older reset links). */
export async function revokeAccountTokens(db: Db, userId: string, purpose: AccountTokenPurpose): Promise<void> {
  await db.deleteFrom('account_tokens').where('user_id', '=', userId).where('purpose', '=', purpose).execute();
}

export async function purgeExpiredAccountTokens(db: Db, now = new Date()): Promise<void> {
  await db.deleteFrom('account_tokens').where('expires_at', '<=', now.toISOString()).execute();
}
