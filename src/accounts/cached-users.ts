import { changeFeedFor } from '../changes/feed.js';
import { SharedCache } from '../changes/shared-cache.js';
import type { Db } from '../db/index.js';
import { findUserById, type User } from './users.js';

/** Longest a person is reused without reading the database again. */
export const CACHED_USER_TTL_MS = 60_000;
const CAPACITY = 50_000;

const caches = new WeakMap<Db, (id: string) => Promise<User | undefined>>();

/**
 * findUserById for the hot paths (the API's caller, the token endpoint's account check),
 * one cache per database in this process: a person is reused for up to
 * {@link CACHED_USER_TTL_MS}, and any change to the account (plan, time zone, email)
 * drops it through the change feed — at once here, within a second on other instances.
 * Unknown ids are not cached.
 */
export function findUserCached(db: Db): (id: string) => Promise<User | undefined> {
  let find = caches.get(db);
  if (!find) {
    const cache = new SharedCache<User>({ feed: changeFeedFor(db), ttlMs: CACHED_USER_TTL_MS, capacity: CAPACITY, tagsOf: (user) => [`account:${user.id}`] });
    find = (id) => cache.load(id, () => findUserById(db, id));
    caches.set(db, find);
  }
  return find;
}
