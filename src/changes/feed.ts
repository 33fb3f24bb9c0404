import { PostgresAdapter, sql } from 'kysely';
import type { Db } from '../db/index.js';

/**
 * What a process may hold a copy of in memory, named by the key its copies are tagged
 * with: a grant (its tokens), an access token (the SHA-256 of its value, never the value),
 * a client (its registration), an account (the person and their plan).
 */
export type ChangeKind = 'grant' | 'token' | 'client' | 'account';

export interface Change {
  kind: ChangeKind;
  key: string;
}

/** How often every instance reads the feed. */
export const FEED_POLL_MS = 200;
/**
 * Copies are trusted only while the last read of the feed that succeeded began this
 * recently; past it every cache reads through to the database. So a change committed
 * anywhere stops every other instance's copies within this bound (plus one read of the
 * feed), even when reading the feed fails or the event loop stalls.
 */
export const FEED_FRESH_MS = 800;
/** Rows are kept this long: a restarted process starts with empty caches and needs none older. */
const FEED_KEEP_MS = 10 * 60 * 1000;
const PURGE_EVERY_POLLS = 1500;
const READ_BATCH = 1000;

export type ChangeListener = (change: Change) => void;

/**
 * The change feed: the way every Larder process learns, within a second, that something it
 * may have cached in memory changed in the shared database — whichever process (or CLI
 * command) changed it. The writer adds a row in the transaction that makes the change
 * ({@link recordChanges}) and applies it to its own caches at once after the commit
 * ({@link publishChanges} does both); every process reads the rows added since its last
 * read every {@link FEED_POLL_MS} and applies them to its caches.
 *
 * Polling a table, rather than PostgreSQL LISTEN/NOTIFY or Redis pub/sub, is the one
 * mechanism that works alike on SQLite (several processes on one file, the CLI) and
 * PostgreSQL; one indexed read five times a second per process costs next to nothing,
 * and the freshness rule ({@link FEED_FRESH_MS}) bounds staleness even when a read fails.
 */
export class ChangeFeed {
  readonly #db: Db;
  readonly #listeners = new Set<ChangeListener>();
  #lastSeq = 0;
  /** When the last successful read began (performance.now()); -Infinity before the first. */
  #freshAt = Number.NEGATIVE_INFINITY;
  #timer: NodeJS.Timeout | undefined;
  #reading: Promise<void> | undefined;
  #polls = 0;
  #epoch = 0;
  onError: ((error: unknown) => void) | undefined;

  constructor(db: Db) {
    this.#db = db;
  }

  /** Starts reading the feed: from now on, older rows are not this process's concern. */
  async start(pollMs = FEED_POLL_MS): Promise<void> {
    if (this.#timer) return;
    const began = performance.now();
    const row = await this.#db.selectFrom('change_feed').select((eb) => eb.fn.max('seq').as('seq')).executeTakeFirst();
    this.#lastSeq = Number(row?.seq ?? 0);
    this.#freshAt = began;
    this.#timer = setInterval(() => void this.read(), pollMs);
    this.#timer.unref();
  }

  stop(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
    this.#freshAt = Number.NEGATIVE_INFINITY;
  }

  /** Whether copies checked against this feed may be used now (see FEED_FRESH_MS). */
  get fresh(): boolean {
    return performance.now() - this.#freshAt <= FEED_FRESH_MS;
  }

  /**
   * Counts every change applied: a cache that loads from the database notes the epoch
   * before the read and keeps the result only if no change was applied meanwhile (the
   * row it read may predate a change it has already been told about).
   */
  get epoch(): number {
    return this.#epoch;
  }

  subscribe(listener: ChangeListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Applies changes to this process's caches (the writer calls it after its commit). */
  apply(changes: readonly Change[]): void {
    for (const change of changes) {
      this.#epoch++;
      for (const listener of this.#listeners) listener(change);
    }
  }

  /** Reads and applies the rows added since the last read (the timer calls it; tests may too). */
  read(): Promise<void> {
    this.#reading ??= this.#read().finally(() => {
      this.#reading = undefined;
    });
    return this.#reading;
  }

  async #read(): Promise<void> {
    const began = performance.now();
    try {
      for (;;) {
        const rows = await this.#db
          .selectFrom('change_feed')
          .select(['seq', 'kind', 'key'])
          .where('seq', '>', this.#lastSeq)
          .orderBy('seq')
          .limit(READ_BATCH)
          .execute();
        if (rows.length === 0) break;
        this.#lastSeq = Number(rows.at(-1)!.seq);
        this.apply(rows.map((r) => ({ kind: r.kind as ChangeKind, key: r.key })));
        if (rows.length < READ_BATCH) break;
      }
      this.#freshAt = began;
      if (++this.#polls % PURGE_EVERY_POLLS === 0) await this.#db.deleteFrom('change_feed').where('created_at', '<', Date.now() - FEED_KEEP_MS).execute();
    } catch (error) {
      // Copies stop being trusted FEED_FRESH_MS after the last good read; the next tick retries.
      this.onError?.(error);
    }
  }
}

const feeds = new WeakMap<Db, ChangeFeed>();

/** The feed of this process for a database: one per Db, shared by every cache over it. */
export function changeFeedFor(db: Db): ChangeFeed {
  let feed = feeds.get(db);
  if (!feed) feeds.set(db, (feed = new ChangeFeed(db)));
  return feed;
}

/**
 * Adds change rows inside the transaction `trx` that makes the changes; apply them to this
 * process after the commit (`changeFeedFor(db).apply(changes)`), or use publishChanges.
 *
 * On PostgreSQL the rows are added under an exclusive table lock held to the commit, so
 * feed rows become visible in the order of their sequence numbers: a reader that has seen
 * row n never later finds a row below n committing (revocations are rare; the lock costs
 * nothing in practice). Add them as the transaction's last statement.
 */
export async function recordChanges(trx: Db, changes: readonly Change[]): Promise<void> {
  if (changes.length === 0) return;
  if (trx.getExecutor().adapter instanceof PostgresAdapter) await sql`lock table change_feed in exclusive mode`.execute(trx);
  const at = Date.now();
  await trx
    .insertInto('change_feed')
    .values(changes.map((c) => ({ kind: c.kind, key: c.key.slice(0, 255), created_at: at })))
    .execute();
}

/**
 * Makes a change in one transaction with its feed rows, then applies it to this process's
 * caches: it takes effect here at once and on every other instance within a second.
 *
 * @example
 *   await publishChanges(db, [{ kind: 'grant', key: grantId }], (trx) => trx.deleteFrom('oauth_models').where('grant_id', '=', grantId).execute());
 */
export async function publishChanges<T>(db: Db, changes: readonly Change[], work?: (trx: Db) => Promise<T>): Promise<T | undefined> {
  const result = await db.transaction().execute(async (trx) => {
    const value = work ? await work(trx) : undefined;
    await recordChanges(trx, changes);
    return value;
  });
  feeds.get(db)?.apply(changes);
  return result;
}
