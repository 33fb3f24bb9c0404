import { changeFeedFor } from '../changes/feed.js';
import { SharedCache } from '../changes/shared-cache.js';
import type { Db } from '../db/index.js';
import { findUserById, type User } from './users.js';

/** Longest a person is reused without reading the database again. */
export const CACHED_USER_TTL_MS = 60_000;
const CAPACITY = 50_000;

interface CachedUsers {
  find: (id: string) => Promise<User | undefined>;
  findNow: (id: string) => User | Promise<User | undefined>;
}

const caches = new WeakMap<Db, CachedUsers>();

function cachedUsers(db: Db): CachedUsers {
  let users = caches.get(db);
  if (!users) {
    const cache = new SharedCache<User>({ feed: changeFeedFor(db), ttlMs: CACHED_USER_TTL_MS, capacity: CAPACITY, tagsOf: (user) => [`account:${user.id}`] });
    const find = (id: string) => cache.load(id, () => findUserById(db, id));
    users = { find, findNow: (id) => cache.get(id) ?? find(id) };
    caches.set(db, users);
  }
  return users;
}

/**
 * findUserById for the hot paths (the API's caller, the token endpoint's account check),
 * one cache per database in this process: a person is reused for up to
 * {@link CACHED_USER_TTL_MS}, and any change to the account (plan, time zone, email)
 * drops it through the change feed — at once here, within a second on other instances.
 * Unknown ids are not cached.
 */
export function findUserCached(db: Db): (id: string) => Promise<User | undefined> {
  return cachedUsers(db).find;
}

/** findUserCached, answered at once (no promise) when the person is cached: the API's hot path. */
export function findUserCachedNow(db: Db): (id: string) => User | Promise<User | undefined> {
  return cachedUsers(db).findNow;
}
