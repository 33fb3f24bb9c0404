import type { Db } from '../db/index.js';
import { findUserById, type User } from './users.js';

/** What the accounts module holds about a person, for their export: never a hash or a token. */
export interface AccountData {
  profile: { id: string; email: string; name: string; plan: User['plan']; time_zone: string; created_at: string };
  /** Browsers logged in to the account (ids are hashes of cookies, and stay out). */
  sessions: Array<{ created_at: string; last_seen_at: string; expires_at: string }>;
  /** One-time links not used yet (password reset, email change): what they are for, never the link. */
  pending_links: Array<{ purpose: string; email: string; created_at: string; expires_at: string }>;
}

export async function accountDataOf(db: Db, userId: string): Promise<AccountData | undefined> {
  const user = await findUserById(db, userId);
  if (!user) return undefined;
  const sessions = await db.selectFrom('sessions').select(['created_at', 'last_seen_at', 'expires_at']).where('user_id', '=', userId).orderBy('created_at').execute();
  const links = await db.selectFrom('account_tokens').select(['purpose', 'email', 'created_at', 'expires_at']).where('user_id', '=', userId).orderBy('created_at').execute();
  return {
    profile: { id: user.id, email: user.email, name: user.name, plan: user.plan, time_zone: user.timeZone, created_at: user.createdAt },
    sessions: sessions.map((s) => ({ created_at: s.created_at, last_seen_at: s.last_seen_at, expires_at: s.expires_at })),
    pending_links: links.map((l) => ({ purpose: l.purpose, email: l.email, created_at: l.created_at, expires_at: l.expires_at })),
  };
}
