import { randomBytes } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import type { Db } from '../db/index.js';
import type { RateLimiter } from '../limits/index.js';
import type { Mailer } from '../mail/index.js';

/** What the account helpers need on every request; set once by accountRoutes. */
export interface AccountsContext {
  db: Db;
  /** Cookies carry `Secure` when the public URL is https. */
  secureCookies: boolean;
  /** Signs the pre-session CSRF cookie; shared by every instance through the database. */
  csrfSecret: Buffer;
  /** Signs known-browser cookies (known-device.ts). */
  deviceSecret: Buffer;
  limiter: RateLimiter;
  /** Undefined when SMTP_URL is not set. */
  mailer: Mailer | undefined;
  appUrl: string;
}

declare module 'fastify' {
  interface FastifyInstance {
    larderAccounts: AccountsContext | null;
  }
}

export function accountsContext(request: FastifyRequest): AccountsContext {
  const context = request.server.larderAccounts;
  if (!context) throw new Error('accountRoutes must be registered before sessions or CSRF tokens are used');
  return context;
}

/** One cookie's value from the request, whether or not @fastify/cookie parsed this route's cookies. */
export function readCookie(request: FastifyRequest, name: string): string | undefined {
  const cookies = request.cookies ?? (request.headers.cookie ? request.server.parseCookie(request.headers.cookie) : {});
  const value = cookies[name];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

export function loadCsrfSecret(db: Db): Promise<Buffer> {
  return loadAccountSecret(db, 'csrf');
}

/**
 * A signing key from `account_secrets` (migrations 0003 and 0021 create them). A row
 * deleted by hand is made again; many instances may race here: the first insert wins and
 * everyone reads the same value back.
 */
export async function loadAccountSecret(db: Db, name: 'csrf' | 'device'): Promise<Buffer> {
  const read = () => db.selectFrom('account_secrets').select('value').where('name', '=', name).executeTakeFirst();
  let row = await read();
  if (!row) {
    await db
      .insertInto('account_secrets')
      .values({ name, value: randomBytes(32).toString('base64url') })
      .onConflict((oc) => oc.column('name').doNothing())
      .execute();
    row = await read();
  }
  if (!row) throw new Error(`The ${name} signing secret could not be stored`);
  return Buffer.from(row.value, 'base64url');
}
