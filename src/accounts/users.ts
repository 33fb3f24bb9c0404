import { randomBytes } from 'node:crypto';
import type { Selectable } from 'kysely';
import { publishChanges } from '../changes/feed.js';
import { isUniqueViolation } from '../db/errors.js';
import type { Db } from '../db/index.js';
import type { UsersTable } from '../db/schema.js';
import { AccountInputError, EmailTakenError, UserNotFoundError, type AccountField } from './errors.js';
import { hashPassword, passwordProblem } from './passwords.js';
import { PLANS, type Plan } from './plans.js';

export { PLANS, type Plan } from './plans.js';

export interface User {
  id: string;
  email: string;
  name: string;
  plan: Plan;
  timeZone: string;
  createdAt: string;
}

export const EMAIL_MAX_LENGTH = 254;
export const NAME_MAX_LENGTH = 100;

/** Emails are compared trimmed and lower-cased, as people expect (`Ann@Example.com` is `ann@example.com`). */
export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

/** Deliberately loose: one @, something on both sides, a dot in the domain, no spaces or markup. */
const EMAIL_PATTERN = /^[^\s@<>()[\]\\,;:"]+@[^\s@<>()[\]\\,;:"]+\.[^\s@<>()[\]\\,;:".]+$/;

export function emailProblem(email: string): string | undefined {
  if (email === '') return 'Enter your email address.';
  if (email.length > EMAIL_MAX_LENGTH) return `An email address has at most ${EMAIL_MAX_LENGTH} characters.`;
  if (!EMAIL_PATTERN.test(email)) return 'Enter an email address like name@example.com.';
  return undefined;
}

// eslint-disable-next-line no-control-regex
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;

export function nameProblem(name: string): string | undefined {
  if (name === '') return 'Enter your name.';
  if ([...name].length > NAME_MAX_LENGTH) return `Use at most ${NAME_MAX_LENGTH} characters for your name.`;
  if (CONTROL_CHARACTERS.test(name)) return 'Your name cannot contain control characters or line breaks.';
  return undefined;
}

function toUser(row: Pick<Selectable<UsersTable>, 'id' | 'email' | 'name' | 'plan' | 'time_zone' | 'created_at'>): User {
  return { id: row.id, email: row.email, name: row.name, plan: row.plan, timeZone: row.time_zone, createdAt: row.created_at };
}

const USER_COLUMNS = ['id', 'email', 'name', 'plan', 'time_zone', 'created_at'] as const;

export async function findUserById(db: Db, id: string): Promise<User | undefined> {
  const row = await db.selectFrom('users').select(USER_COLUMNS).where('id', '=', id).executeTakeFirst();
  return row ? toUser(row) : undefined;
}

export async function findUserByEmail(db: Db, email: string): Promise<User | undefined> {
  const row = await db.selectFrom('users').select(USER_COLUMNS).where('email', '=', normalizeEmail(email)).executeTakeFirst();
  return row ? toUser(row) : undefined;
}

/** The user and their password hash, for checking a log-in; never leaves this module's callers. */
export async function findCredentials(db: Db, email: string): Promise<{ user: User; passwordHash: string } | undefined> {
  const row = await db
    .selectFrom('users')
    .select([...USER_COLUMNS, 'password_hash'])
    .where('email', '=', normalizeEmail(email))
    .executeTakeFirst();
  return row ? { user: toUser(row), passwordHash: row.password_hash } : undefined;
}


/** What is wrong with a new account's fields, one message per field (empty when nothing). */
export function accountProblems(input: { email: string; password: string; name: string; plan?: Plan }): Partial<Record<AccountField, string>> {
  const problems: Partial<Record<AccountField, string>> = {};
  const emailIssue = emailProblem(input.email);
  if (emailIssue) problems.email = emailIssue;
  const nameIssue = nameProblem(input.name);
  if (nameIssue) problems.name = nameIssue;
  const passwordIssue = passwordProblem(input.password);
  if (passwordIssue) problems.password = passwordIssue;
  if (input.plan !== undefined && !PLANS.includes(input.plan)) problems.plan = `The plan must be one of: ${PLANS.join(', ')}.`;
  return problems;
}

/** The name an account gets when none is given: the part of the email before the @. */
export function defaultName(email: string, name: string | undefined): string {
  return (name ?? '').trim() || email.split('@')[0] || email;
}

/**
 * Creates an account. The email is stored lower-cased; the name defaults to the part of
 * the email before the @. Throws AccountInputError (400) naming each bad field, or
 * EmailTakenError (409). For operators and tests; the registration page uses
 * {@link insertUserIfEmailFree}, which answers the same whether the email was free.
 *
 * @example await createUser(db, { email: 'ann@example.com', password: 'correct horse battery' })
 */
export async function createUser(db: Db, input: { email: string; password: string; name?: string; plan?: Plan }): Promise<User> {
  const email = normalizeEmail(input.email);
  const name = defaultName(email, input.name);
  const plan = input.plan ?? 'free';
  const problems = accountProblems({ email, name, password: input.password, plan });
  if (Object.keys(problems).length > 0) throw new AccountInputError(problems);

  if (await findUserByEmail(db, email)) throw new EmailTakenError();
  const user = await insertUserIfEmailFree(db, { email, name, passwordHash: await hashPassword(input.password), plan });
  if (!user) throw new EmailTakenError();
  return user;
}

/**
 * Inserts an account unless its email is taken, in one statement that costs about the
 * same either way (no "look, then insert" whose timing differs). Returns the account, or
 * undefined when the email already had one. Fields must have been checked.
 */
export async function insertUserIfEmailFree(db: Db, input: { email: string; name: string; passwordHash: string; plan?: Plan; timeZone?: string }): Promise<User | undefined> {
  const row = {
    id: `usr_${randomBytes(16).toString('base64url')}`,
    email: normalizeEmail(input.email),
    name: input.name,
    password_hash: input.passwordHash,
    plan: input.plan ?? 'free',
    time_zone: input.timeZone ?? 'UTC',
    created_at: new Date().toISOString(),
  };
  try {
    const result = await db.insertInto('users').values(row).onConflict((oc) => oc.column('email').doNothing()).executeTakeFirst();
    if (Number(result.numInsertedOrUpdatedRows ?? 0n) === 0) return undefined;
  } catch (error) {
    if (isUniqueViolation(error)) return undefined;
    throw error;
  }
  return toUser(row);
}

/** The person's password hash, for checking their current password before a change. */
export async function findPasswordHash(db: Db, userId: string): Promise<string | undefined> {
  const row = await db.selectFrom('users').select('password_hash').where('id', '=', userId).executeTakeFirst();
  return row?.password_hash;
}

/** Replaces a person's password hash (argon2id, made by the caller). */
export async function setPasswordHash(db: Db, userId: string, passwordHash: string): Promise<void> {
  await db.updateTable('users').set({ password_hash: passwordHash }).where('id', '=', userId).execute();
}

/** Moves an account to another email; throws EmailTakenError when that email has an account. */
export async function setUserEmail(db: Db, userId: string, email: string): Promise<void> {
  try {
    await publishChanges(db, [{ kind: 'account', key: userId }], (trx) => trx.updateTable('users').set({ email: normalizeEmail(email) }).where('id', '=', userId).execute());
  } catch (error) {
    if (isUniqueViolation(error)) throw new EmailTakenError();
    throw error;
  }
}

export async function setUserPlan(db: Db, email: string, plan: Plan): Promise<User> {
  if (!PLANS.includes(plan)) throw new AccountInputError({ plan: `The plan must be one of: ${PLANS.join(', ')}.` });
  const found = await findUserByEmail(db, email);
  if (!found) throw new UserNotFoundError(normalizeEmail(email));
  // Every instance holding this person (the API's caller cache) drops them within a second.
  await publishChanges(db, [{ kind: 'account', key: found.id }], (trx) => trx.updateTable('users').set({ plan }).where('id', '=', found.id).execute());
  return { ...found, plan };
}

/** Every account, oldest first. */
export async function listUsers(db: Db): Promise<User[]> {
  const rows = await db.selectFrom('users').select(USER_COLUMNS).orderBy('created_at').orderBy('id').execute();
  return rows.map(toUser);
}

/** Sets the time zone that decides what "today" is for the person's diary (an IANA name, checked by the caller). */
export async function setUserTimeZone(db: Db, userId: string, timeZone: string): Promise<void> {
  await publishChanges(db, [{ kind: 'account', key: userId }], (trx) => trx.updateTable('users').set({ time_zone: timeZone }).where('id', '=', userId).execute());
}

/**
 * Deletes an account row; its log-in sessions go with it (foreign key, ON DELETE CASCADE).
 * Returns whether there was one. Grants are the caller's to revoke first (oauth/grants.ts).
 */
export async function deleteUser(db: Db, userId: string, alsoInTransaction?: (trx: Db) => Promise<unknown>): Promise<boolean> {
  // Instances holding this person (the API's caller cache) drop them: their tokens stop at once here, within a second elsewhere.
  const result = await publishChanges(db, [{ kind: 'account', key: userId }], async (trx) => {
    const deleted = await trx.deleteFrom('users').where('id', '=', userId).executeTakeFirst();
    await alsoInTransaction?.(trx);
    return deleted;
  });
  return Number(result?.numDeletedRows ?? 0) > 0;
}
