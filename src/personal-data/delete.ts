import { deleteUser, findUserByEmail, findUserById, normalizeEmail, type User } from '../accounts/users.js';
import { UserNotFoundError } from '../accounts/errors.js';
import { deleteUsageOf, deleteUsageRows, flushUsageOf } from '../api/usage.js';
import type { Db } from '../db/index.js';
import { deleteDiaryOf } from '../diary/entries.js';
import { revokeEverythingOf } from '../oauth/account-data.js';

export interface DeletedAccount {
  user_id: string;
  email: string;
  revoked_grants: number;
  diary_entries: number;
  history_entries: number;
}

/**
 * Deletes an account and everything Larder holds about the person, for the person
 * (/account) and for operators (`larder users:delete`) alike. Every grant is revoked first,
 * so no app can act for them from here on (its tokens stop on their very next request);
 * then the diary and goals, the history and usage counts (this process's buffered history
 * written first), and last the account itself with its log-in sessions and one-time links,
 * published on the change feed so every instance drops its cached tokens and caller. Each step can be run again, so an interrupted
 * deletion is finished by running it once more: the account row, which lets the person
 * log in, goes last.
 *
 * @example const summary = await deleteAccount(db, user.id)
 */
export async function deleteAccount(db: Db, userId: string): Promise<DeletedAccount> {
  const user = await findUserById(db, userId);
  if (!user) throw new UserNotFoundError(userId);
  const revoked = await revokeEverythingOf(db, user.id);
  const diaryEntries = await deleteDiaryOf(db, user.id);
  const historyEntries = await deleteUsageOf(db, user.id);
  // What an instance's usage flush wrote since, while it held the account's row (usage-ledger.ts),
  // goes in the same transaction, after the delete has waited for that flush.
  await deleteUser(db, user.id, (trx) => deleteUsageRows(trx, user.id));
  // A token issued in the meantime, by a consent given just before: revoked as well.
  await revokeEverythingOf(db, user.id);
  // This process's ledger heard the account change (deleteUser): this flush finds the account
  // gone, removes what a request in flight wrote since, and refuses the rest (usage-ledger.ts).
  await flushUsageOf(db);
  return { user_id: user.id, email: user.email, revoked_grants: revoked, diary_entries: diaryEntries, history_entries: historyEntries };
}

/** The account of an email, for the CLI; throws UserNotFoundError. */
export async function accountByEmail(db: Db, email: string): Promise<User> {
  const user = await findUserByEmail(db, email);
  if (!user) throw new UserNotFoundError(normalizeEmail(email));
  return user;
}
