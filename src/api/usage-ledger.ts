import { PostgresAdapter, sql } from 'kysely';
import { changeFeedFor, type ChangeFeed } from '../changes/feed.js';
import type { Db } from '../db/index.js';
import { preparedQuery } from '../db/prepared-query.js';
import { writeTransaction } from '../db/write-transaction.js';
import { deleteUsageRows, insertApiRequests, registerUsageBuffer, utcDayKey, type ApiRequestRecord } from './usage.js';

/** How often buffered history and quota claims are written: one transaction each time. */
export const USAGE_FLUSH_MS = 25;
/** Fewest and most requests one claim asks for (see UsageLedger). */
const LEASE_MIN = 8;
const LEASE_MAX = 1000;
/** A claim asks for about this share of a second's requests, so a busy person claims a few times a second. */
const LEASE_SHARE_OF_RATE = 0.25;
/** A claim takes at most this share of what remains of the day's quota, so no process hoards the end of it. */
const LEASE_SHARE_OF_REMAINING = 1 / 8;
/** Unused allowance goes back to the shared counter after this long without a request. */
const LEASE_IDLE_MS = 2000;
/** After the counter refused a claim, refuse without asking again for this long (other processes may return some). */
const EXHAUSTED_RECHECK_MS = 1000;
const DAY_MS = 24 * 60 * 60 * 1000;
/** Accounts whose existence one statement checks (the flush's writers are usually far fewer). */
const EXISTENCE_CHUNK = 500;
/** History kept in memory while the database cannot be written; the oldest records go first. */
const MAX_BUFFERED_RECORDS = 100_000;
/** Deleted accounts remembered, so a request still in flight for one is not written; the oldest go first. */
const MAX_GONE_ACCOUNTS = 10_000;

interface Lease {
  userId: string;
  day: string;
  /** Requests claimed from the shared counter and not used yet. */
  available: number;
  /** The counter's value after this process's last claim: what it knows of the day. */
  knownCount: number;
  lastUsedAt: number;
  /** Admissions in the current second, and in the previous one (the claim size follows it). */
  windowStart: number;
  windowCount: number;
  lastRate: number;
  /** A claim waiting for the next flush, with the limit it is made under. */
  claiming: Promise<void> | undefined;
  claimLimit: number;
  exhaustedAt: number;
  exhaustedLimit: number;
}

export interface UsageLedgerOptions {
  flushMs?: number;
  onError?: (error: unknown) => void;
  /** Where account changes are heard (a deleted account's history must not come back); none: not heard. */
  feed?: ChangeFeed;
}

/**
 * Quotas and history without a database round trip per request, on any number of
 * processes sharing one database.
 *
 * Quota: the per-day counter (`api_usage_daily.requests`) counts every request any process
 * has claimed. A process claims allowance in blocks (leases) with a conditional increment
 * that never takes the counter past the limit, then admits requests from its block in
 * memory; it claims the next block before this one runs out, and gives back what it did
 * not use after {@link LEASE_IDLE_MS} without a request and when it stops. So the quota
 * holds exactly across processes: no more requests are admitted in a day than the limit
 * (the limit in force when each block was claimed). What a process killed without a
 * graceful stop had claimed and not used stays counted: at most 1.5 blocks, a block being
 * at most 1,000 requests and an eighth of what remained of the day.
 *
 * History: each answered request's record is buffered and written with the others every
 * {@link USAGE_FLUSH_MS} ms in one transaction (group commit), and on a graceful stop; a
 * crash loses at most the records of the last flush interval and the flush in progress.
 *
 * Deleted accounts: every account change heard on the change feed (any process's, the
 * CLI's) is checked at the next flush, in its transaction; an account that no longer exists
 * has its buffered records and leases dropped, any history row written since its deletion
 * removed, and later records refused. So a deletion leaves no history behind, here at once
 * (personal-data/delete.ts flushes after deleting) and on other instances within the feed's
 * bound (a second), while a request they admitted from a cached caller was still in flight.
 */
export class UsageLedger {
  readonly #db: Db;
  readonly #onSqlite: boolean;
  readonly #options: UsageLedgerOptions;
  readonly #leases = new Map<string, Lease>();
  /** The leases of today (#day) by person: the hot path's lookup, without making a `${userId} ${day}` key per request. */
  readonly #today = new Map<string, Lease>();
  readonly #claims = new Set<Lease>();
  #records: ApiRequestRecord[] = [];
  /** Accounts changed since the last flush (change feed), to check whether they still exist. */
  readonly #accountsToCheck = new Set<string>();
  /** Accounts found deleted: nothing more of theirs is written. */
  readonly #gone = new Set<string>();
  readonly #unsubscribe: (() => void) | undefined;
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<void> | undefined;
  #queued: Promise<void> | undefined;
  #closed = false;
  /** Today's key (YYYY-MM-DD, UTC) and when it ends, so it is not formatted on every request. */
  #day = '';
  #dayEnds = 0;

  constructor(db: Db, options: UsageLedgerOptions = {}) {
    this.#db = db;
    this.#onSqlite = !(db.getExecutor().adapter instanceof PostgresAdapter);
    this.#options = options;
    this.#unsubscribe = options.feed?.subscribe((change) => {
      if (change.kind === 'account') this.#accountsToCheck.add(change.key);
    });
    this.#timer = setInterval(() => {
      if (this.#records.length > 0 || this.#claims.size > 0 || this.#accountsToCheck.size > 0 || this.#hasIdleLeases()) this.flush().catch((error: unknown) => this.#options.onError?.(error));
    }, options.flushMs ?? USAGE_FLUSH_MS);
    this.#timer.unref();
  }

  /**
   * Counts one request against the person's quota for today, if the limit allows it;
   * false when the day's quota is used up (the request is refused and not counted).
   */
  async admit(userId: string, limit: number, now = Date.now()): Promise<boolean> {
    return this.admitNow(userId, limit, now);
  }

  /**
   * admit, answered at once (no promise) when this process's block decides it, as it does
   * for all but the requests that wait for a claim: the API's hot path (api/context.ts).
   */
  admitNow(userId: string, limit: number, now = Date.now()): boolean | Promise<boolean> {
    if (this.#gone.has(userId)) return false;
    if (now >= this.#dayEnds || now < this.#dayEnds - DAY_MS) {
      this.#day = utcDayKey(new Date(now));
      this.#dayEnds = Date.parse(`${this.#day}T00:00:00Z`) + DAY_MS;
      this.#today.clear();
      for (const lease of this.#leases.values()) if (lease.day === this.#day) this.#today.set(lease.userId, lease);
    }
    const day = this.#day;
    let lease = this.#today.get(userId);
    if (!lease) {
      lease = {
        userId, day, available: 0, knownCount: 0, lastUsedAt: now, windowStart: now, windowCount: 0, lastRate: 0,
        claiming: undefined, claimLimit: limit, exhaustedAt: Number.NEGATIVE_INFINITY, exhaustedLimit: 0,
      };
      this.#setLease(lease);
    }
    lease.lastUsedAt = now;
    if (now - lease.windowStart >= 1000) {
      lease.lastRate = now - lease.windowStart < 2000 ? lease.windowCount : 0;
      lease.windowStart = now;
      lease.windowCount = 0;
    }
    return this.#take(lease, limit);
  }

  /** One admission from the lease's block, or after the claim it waits for (others waiting may take what it brings; then it claims again). */
  #take(lease: Lease, limit: number): boolean | Promise<boolean> {
    if (lease.available > 0) {
      lease.available--;
      lease.windowCount++;
      // Claim the next block before this one runs out, so a busy person never waits for a claim.
      if (lease.available < this.#claimSize(lease, limit) / 2 && !lease.claiming) this.#claim(lease, limit).catch((error: unknown) => this.#options.onError?.(error));
      return true;
    }
    // A refused claim is believed for a moment; a higher limit (a plan upgraded) asks again at once.
    if (Date.now() - lease.exhaustedAt < EXHAUSTED_RECHECK_MS && limit <= lease.exhaustedLimit) return false;
    return (lease.claiming ?? this.#claim(lease, limit)).then(() => this.#take(lease, limit));
  }

  /** Whether this ledger has found the account deleted (its admissions are refused from then on). */
  isGone(userId: string): boolean {
    return this.#gone.has(userId);
  }

  get closed(): boolean {
    return this.#closed;
  }

  /**
   * What is left of the person's quota today as this process knows it, without a database
   * round trip (the RateLimit-Remaining field): the shared counter as of this process's last
   * claim, less what this process has not used of its block. Exact with one instance. With
   * several it may be too high by what other instances admitted since this one's last claim
   * (at most their current blocks: each at most 1,000 requests and an eighth of what then
   * remained) and too low by the unused blocks they hold (given back after 2 s idle); it
   * never lets a request past the limit, which admit() alone decides. Undefined when this
   * process holds no block for the person today (see readRemaining).
   */
  knownRemaining(userId: string, limit: number, now = Date.now()): number | undefined {
    if (now >= this.#dayEnds || now < this.#dayEnds - DAY_MS) return undefined;
    const lease = this.#today.get(userId);
    if (!lease || (lease.knownCount === 0 && lease.available === 0)) return undefined;
    return Math.max(0, Math.min(limit, limit - (lease.knownCount - lease.available)));
  }

  /** knownRemaining, or else read from the shared counter (which counts other processes' unused blocks as used). */
  async readRemaining(userId: string, limit: number, now = Date.now()): Promise<number> {
    const known = this.knownRemaining(userId, limit, now);
    if (known !== undefined) return known;
    const row = await countTodayRow(this.#db, userId, utcDayKey(new Date(now)));
    return Math.max(0, Math.min(limit, limit - Number(row?.requests ?? 0)));
  }

  /** When today's quotas reset (midnight UTC, epoch ms): RateLimit-Reset and Retry-After count down to it. */
  resetsAt(now = Date.now()): number {
    if (now < this.#dayEnds && now >= this.#dayEnds - DAY_MS) return this.#dayEnds;
    return Date.parse(`${utcDayKey(new Date(now))}T00:00:00Z`) + DAY_MS;
  }

  /** Gives back one admission of today (a request answered 503 is not counted). */
  giveBack(userId: string, now = Date.now()): void {
    const lease = this.#leases.get(`${userId} ${utcDayKey(new Date(now))}`);
    if (lease) lease.available++;
  }

  /** Buffers one answered request's record for the next flush. */
  record(record: ApiRequestRecord): void {
    if (this.#closed || this.#gone.has(record.userId)) return;
    this.#records.push(record);
    if (this.#records.length > MAX_BUFFERED_RECORDS) this.#records.splice(0, this.#records.length - MAX_BUFFERED_RECORDS);
  }

  /** Writes everything buffered, and the pending claims, in one transaction; resolves once committed. */
  flush(): Promise<void> {
    if (this.#queued) return this.#queued;
    const previous = this.#running ?? Promise.resolve();
    const queued = previous
      .catch(() => undefined)
      .then(() => {
        this.#queued = undefined;
        const run = this.#flushOnce(false);
        this.#running = run;
        return run;
      });
    this.#queued = queued;
    return queued;
  }

  /** Graceful stop: writes what is buffered and gives back every unused claim. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    clearInterval(this.#timer);
    this.#unsubscribe?.();
    await this.flush().catch((error: unknown) => this.#options.onError?.(error));
    await (this.#running ?? Promise.resolve()).catch(() => undefined);
    await this.#flushOnce(true).catch((error: unknown) => this.#options.onError?.(error));
  }

  /** Which of these accounts exist, read in `trx`; on PostgreSQL their rows are locked FOR KEY SHARE until it ends. */
  async #existingUsers(trx: Db, ids: readonly string[]): Promise<Set<string>> {
    const present = new Set<string>();
    for (let at = 0; at < ids.length; at += EXISTENCE_CHUNK) {
      const chunk = ids.slice(at, at + EXISTENCE_CHUNK);
      // One statement text whatever the number of ids, so it is prepared once.
      const query = this.#onSqlite
        ? sql<{ id: string }>`select id from users where id in (select value from json_each(${JSON.stringify(chunk)}))`
        : sql<{ id: string }>`select id from users where id = any(${chunk}::varchar[]) for key share`;
      for (const row of (await query.execute(trx)).rows) present.add(row.id);
    }
    return present;
  }

  /** A deleted account: its leases go (the counter row went with the account), later records are refused. */
  #forget(userId: string): void {
    this.#gone.add(userId);
    if (this.#gone.size > MAX_GONE_ACCOUNTS) this.#gone.delete(this.#gone.values().next().value!);
    for (const [key, lease] of this.#leases) if (lease.userId === userId) this.#deleteLease(key, lease);
    this.#records = this.#records.filter((record) => record.userId !== userId);
  }

  /** Every lease change goes through these two, so #today always holds exactly today's leases of #leases. */
  #setLease(lease: Lease): void {
    this.#leases.set(`${lease.userId} ${lease.day}`, lease);
    if (lease.day === this.#day) this.#today.set(lease.userId, lease);
  }

  #deleteLease(key: string, lease: Lease): void {
    this.#leases.delete(key);
    if (this.#today.get(lease.userId) === lease) this.#today.delete(lease.userId);
  }

  #claimSize(lease: Lease, limit: number): number {
    const byRate = Math.ceil(Math.max(lease.lastRate, lease.windowCount) * LEASE_SHARE_OF_RATE);
    const byRemaining = Math.floor((limit - lease.knownCount) * LEASE_SHARE_OF_REMAINING);
    return Math.max(1, Math.min(Math.max(LEASE_MIN, byRate), LEASE_MAX, byRemaining));
  }

  #claim(lease: Lease, limit: number): Promise<void> {
    if (lease.claiming) return lease.claiming;
    lease.claimLimit = limit;
    this.#claims.add(lease);
    // Right away rather than at the next tick: a request may be waiting for it.
    const claimed = new Promise<void>((resolve) => setImmediate(resolve)).then(() => this.flush());
    lease.claiming = claimed.finally(() => {
      lease.claiming = undefined;
    });
    return lease.claiming;
  }

  #hasIdleLeases(): boolean {
    const now = Date.now();
    for (const lease of this.#leases.values()) if (now - lease.lastUsedAt >= LEASE_IDLE_MS && !lease.claiming) return true;
    return false;
  }

  async #flushOnce(all: boolean): Promise<void> {
    const records = this.#records;
    this.#records = [];
    const claims = [...this.#claims];
    this.#claims.clear();
    const checks = [...this.#accountsToCheck];
    this.#accountsToCheck.clear();
    const now = Date.now();
    const returns: Lease[] = [];
    for (const [key, lease] of this.#leases) {
      if (lease.claiming && !all) continue;
      if (all || now - lease.lastUsedAt >= LEASE_IDLE_MS) {
        this.#deleteLease(key, lease);
        if (lease.available > 0) returns.push(lease);
      }
    }
    if (records.length === 0 && claims.length === 0 && returns.length === 0 && checks.length === 0) return;
    const granted = new Map<Lease, { granted: number; count: number | undefined }>();
    const gone: string[] = [];
    try {
      await writeTransaction(this.#db, async (trx) => {
        // Everyone this flush writes for, and every account a change was heard of: read in this
        // transaction (on PostgreSQL locked against deletion until it commits, so a deletion
        // that commits meanwhile waits and then removes what this wrote, personal-data/delete.ts).
        // An account found gone gets nothing written, whether or not its change was heard yet.
        const concerned = new Set(checks);
        for (const record of records) if (!this.#gone.has(record.userId)) concerned.add(record.userId);
        for (const lease of claims) if (!this.#gone.has(lease.userId)) concerned.add(lease.userId);
        if (concerned.size > 0) {
          const present = await this.#existingUsers(trx, [...concerned]);
          for (const userId of concerned) if (!present.has(userId)) gone.push(userId);
        }
        const deleted = (userId: string) => this.#gone.has(userId) || gone.includes(userId);
        const kept = this.#gone.size === 0 && gone.length === 0 ? records : records.filter((record) => !deleted(record.userId));
        if (kept.length > 0) await insertApiRequests(trx, kept);
        // What was written for a deleted account since its history was deleted (a request in flight).
        for (const userId of gone) await deleteUsageRows(trx, userId);
        // Counter rows are written in one order, by person and day, in every process: two
        // instances' flushes claiming for the same people (or one claiming what the other
        // gives back) in different orders would otherwise deadlock on PostgreSQL's row locks.
        const counterWrites = [...claims.map((lease) => ({ lease, claim: true })), ...returns.map((lease) => ({ lease, claim: false }))].sort(byCounterRow);
        for (const { lease, claim } of counterWrites) {
          if (claim) {
            // A deleted account gets nothing (a request admitted from a stale caller is refused, never left waiting).
            granted.set(lease, deleted(lease.userId) ? { granted: 0, count: undefined } : await claimFrom(trx, lease, this.#claimSize(lease, lease.claimLimit), lease.claimLimit));
            continue;
          }
          if (deleted(lease.userId)) continue;
          await trx
            .updateTable('api_usage_daily')
            .set((eb) => ({ requests: eb('requests', '-', lease.available) }))
            .where('user_id', '=', lease.userId)
            .where('day', '=', lease.day)
            .execute();
        }
      });
    } catch (error) {
      // Nothing was written: keep the history for the next flush, put the leases back.
      this.#records = [...records, ...this.#records].slice(-MAX_BUFFERED_RECORDS);
      for (const lease of returns) this.#setLease(lease);
      for (const userId of checks) this.#accountsToCheck.add(userId);
      throw error;
    }
    for (const userId of gone) this.#forget(userId);
    for (const [lease, result] of granted) {
      lease.available += result.granted;
      if (result.count !== undefined) lease.knownCount = result.count;
      if (result.granted === 0) {
        lease.exhaustedAt = Date.now();
        lease.exhaustedLimit = lease.claimLimit;
      }
    }
  }
}

/** The order a flush writes counter rows in: by person, then day (a claim before a return of the same row). */
function byCounterRow(a: { lease: Lease; claim: boolean }, b: { lease: Lease; claim: boolean }): number {
  if (a.lease.userId !== b.lease.userId) return a.lease.userId < b.lease.userId ? -1 : 1;
  if (a.lease.day !== b.lease.day) return a.lease.day < b.lease.day ? -1 : 1;
  return Number(b.claim) - Number(a.claim);
}

/**
 * Takes up to `wanted` requests of the day's allowance from the shared counter, never past
 * `limit`: each step is one conditional increment, atomic on SQLite and PostgreSQL alike
 * (a concurrent claim by another process makes it update nothing, never overshoot).
 */
async function claimFrom(trx: Db, lease: Lease, wanted: number, limit: number): Promise<{ granted: number; count: number | undefined }> {
  const take = async (n: number): Promise<number | undefined> => {
    const row = (await takeFromCounter(trx, n, lease.userId, lease.day, limit - n)).rows[0];
    return row ? Number(row.requests) : undefined;
  };
  if (wanted >= 1) {
    const count = await take(wanted);
    if (count !== undefined) return { granted: wanted, count };
  }
  let current = await trx.selectFrom('api_usage_daily').select('requests').where('user_id', '=', lease.userId).where('day', '=', lease.day).executeTakeFirst();
  if (!current) {
    await trx
      .insertInto('api_usage_daily')
      .values({ user_id: lease.userId, day: lease.day, requests: 0 })
      .onConflict((oc) => oc.columns(['user_id', 'day']).doNothing())
      .execute();
    current = { requests: 0 };
  }
  // Less than asked: what an eighth of the rest allows, else a single request.
  const share = Math.min(wanted, Math.max(1, Math.floor((limit - Number(current.requests)) * LEASE_SHARE_OF_REMAINING)));
  for (const n of share > 1 ? [share, 1] : [1]) {
    const count = await take(n);
    if (count !== undefined) return { granted: n, count };
  }
  return { granted: 0, count: Number(current.requests) };
}

/** `n` more requests on the day's counter of one person, unless that takes it past `atMost + n`; its statement built once. */
const takeFromCounter = preparedQuery<{ requests: number | string }, [n: number, userId: string, day: string, atMost: number]>((db, n, userId, day, atMost) =>
  db
    .updateTable('api_usage_daily')
    .set((eb) => ({ requests: eb('requests', '+', n) }))
    .where('user_id', '=', userId)
    .where('day', '=', day)
    .where('requests', '<=', atMost)
    .returning('requests'),
);

/** The day's counter of one person: one indexed read, its statement built once. */
const countToday = preparedQuery<{ requests: number | string }, [userId: string, day: string]>((db, userId, day) =>
  db.selectFrom('api_usage_daily').select('requests').where('user_id', '=', userId).where('day', '=', day),
);
async function countTodayRow(db: Db, userId: string, day: string) {
  return (await countToday(db, userId, day)).rows[0];
}

const ledgers = new WeakMap<Db, UsageLedger>();

/** The ledger of this process for a database: one per Db, shared by the API and /mcp. */
export function usageLedgerFor(db: Db, options?: UsageLedgerOptions): UsageLedger {
  let ledger = ledgers.get(db);
  if (!ledger || ledger.closed) {
    ledgers.set(db, (ledger = new UsageLedger(db, { feed: changeFeedFor(db), ...options })));
    registerUsageBuffer(db, ledger);
  }
  return ledger;
}
