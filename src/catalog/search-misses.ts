import { sql } from 'kysely';
import { searchTextForHistory } from '../api/activity.js';
import type { Db } from '../db/index.js';

/**
 * Searches whose best result was not the food asked for ("no close match"), counted for
 * `larder stats`: the foods people look for that the catalog lacks.
 *
 * Counted in memory and written in batches, not per search: a search is a read (the hot
 * path of every surface), and one write per missed search would put a database write, on
 * SQLite a lock, inside it. `note` is a map increment; every FLUSH_MS the counts go to
 * `search_misses` in one transaction, one upsert per distinct query (two instances add up
 * their counts). A process killed with -9 loses at most that interval's counts; a normal
 * stop flushes.
 *
 * What is kept: the UTC day, the query as history keeps it (trimmed, clipped to 60
 * characters, anything that looks like a key or token masked), lower-cased, and a count.
 * No person, no client, no time of day. Rows older than RETENTION_DAYS are deleted.
 * Bounded: at most MAX_QUERIES_PER_DAY distinct queries a day per process, so a flood of
 * random searches (the public /catalog needs no account) cannot grow the table or memory
 * without end; searches beyond it are counted as `dropped` in the log only.
 */
export const FLUSH_MS = 30_000;
export const RETENTION_DAYS = 30;
export const MAX_QUERIES_PER_DAY = 5_000;

/** Characters of a query held until the write (the stored form keeps 60). */
const MAX_SEARCHED = 200;

/** Rows per upsert statement: 3 parameters each stays far below SQLite's and PostgreSQL's limits. */
const BATCH = 200;

export interface SearchMissLogger {
  warn(object: unknown, message: string): void;
}

/** A query as the miss counts keep it, or undefined when nothing recognisable is left. */
export function normalizeMissedQuery(query: string): string | undefined {
  const kept = searchTextForHistory(query.normalize('NFKC')).toLowerCase();
  // Nothing but masked words (a pasted token) tells the operator nothing.
  return kept.replace(/[…\s]/g, '') === '' ? undefined : kept;
}

const utcDayOf = (date: Date): string => date.toISOString().slice(0, 10);

export class SearchMissCounter {
  /** day -> the query as searched -> searches not yet written. */
  private pending = new Map<string, Map<string, number>>();
  /** The distinct queries (as searched) seen on `day`, written or not, for the daily bound. */
  private seenDay = '';
  /** Where seenDay starts, in ms since the epoch (UTC days are 86,400,000 ms). */
  private dayStarts = -Infinity;
  private seen = new Set<string>();
  private dropped = 0;
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> | undefined;
  private prunedDay = '';
  /** Rows, in their stored form, that the last write could not store. */
  private unwritten: Array<{ day: string; query: string; searches: number }> = [];

  constructor(
    private readonly db: Db,
    private readonly options: { log?: SearchMissLogger; now?: () => Date; maxQueriesPerDay?: number } = {},
  ) {}

  /**
   * Counts one search without a close match. A map increment on the words as given: it
   * runs inside every such search, so the normalizing (NFKC, masking, clipping) waits
   * for the write.
   */
  note(searched: string): void {
    // The catalog's surfaces allow 200 characters; the stored form keeps 60 of them.
    const query = searched.length > MAX_SEARCHED ? searched.slice(0, MAX_SEARCHED) : searched;
    // The UTC day, worked out again only when the clock leaves the one held.
    const now = this.options.now ? this.options.now().getTime() : Date.now();
    if (now < this.dayStarts || now >= this.dayStarts + 86_400_000) {
      this.dayStarts = now - (now % 86_400_000);
      const day = utcDayOf(new Date(now));
      if (day !== this.seenDay) {
        this.seenDay = day;
        this.seen = new Set();
      }
    }
    const day = this.seenDay;
    if (!this.seen.has(query)) {
      if (this.seen.size >= (this.options.maxQueriesPerDay ?? MAX_QUERIES_PER_DAY)) {
        this.dropped++;
        return;
      }
      this.seen.add(query);
    }
    let counts = this.pending.get(day);
    if (!counts) this.pending.set(day, (counts = new Map()));
    counts.set(query, (counts.get(query) ?? 0) + 1);
  }

  /** Writes every pending count at the interval, until `close`. The timer never keeps the process alive. */
  start(intervalMs = FLUSH_MS): void {
    if (this.timer) return;
    this.timer = setInterval(() => void this.flush(), intervalMs);
    this.timer.unref();
  }

  /**
   * Writes the pending counts (and, on the first write of a day, deletes rows past the retention). A write
   * that fails (database down) keeps its counts for the next flush instead of losing them.
   */
  flush(): Promise<void> {
    // One flush at a time: a call during one waits for it, then writes what came since.
    const run = (this.flushing ?? Promise.resolve()).then(() => this.write());
    this.flushing = run;
    const clear = (): void => {
      if (this.flushing === run) this.flushing = undefined;
    };
    run.then(clear, clear);
    return run;
  }

  /** Stops the timer and writes what is left: part of a graceful stop. */
  async close(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.flush();
  }

  private async write(): Promise<void> {
    const batch = this.pending;
    this.pending = new Map();
    const dropped = this.dropped;
    this.dropped = 0;
    if (dropped > 0) this.options.log?.warn({ dropped, limit: this.options.maxQueriesPerDay ?? MAX_QUERIES_PER_DAY }, 'search misses: more distinct queries today than are counted');
    // The words as stored: queries that read the same ('Latte', ' latte ') become one row;
    // rows a failed write left (already stored-form) are added in.
    const merged = new Map<string, { day: string; query: string; searches: number }>();
    const add = (day: string, query: string, searches: number): void => {
      const key = `${day}\n${query}`;
      const row = merged.get(key);
      if (row) row.searches += searches;
      else merged.set(key, { day, query, searches });
    };
    for (const row of this.unwritten.splice(0)) add(row.day, row.query, row.searches);
    for (const [day, counts] of batch) {
      for (const [query, searches] of counts) {
        const stored = normalizeMissedQuery(query);
        if (stored !== undefined) add(day, stored, searches);
      }
    }
    const rows = [...merged.values()];
    // Nothing to write: an idle instance touches no database (and a stop during an outage does not wait on one).
    if (rows.length === 0) return;
    const today = utcDayOf(this.options.now?.() ?? new Date());
    try {
      await this.db.transaction().execute(async (trx) => {
        for (let at = 0; at < rows.length; at += BATCH) {
          await trx
            .insertInto('search_misses')
            .values(rows.slice(at, at + BATCH))
            .onConflict((conflict) => conflict.columns(['day', 'query']).doUpdateSet({ searches: sql<number>`search_misses.searches + excluded.searches` }))
            .execute();
        }
        if (this.prunedDay !== today) await trx.deleteFrom('search_misses').where('day', '<', retentionStart(today)).execute();
      });
      this.prunedDay = today;
    } catch (error) {
      // Keep the rows (already in their stored form) for the next flush.
      this.unwritten = rows;
      this.options.log?.warn({ err: error, queries: rows.length }, 'search misses: could not write the counts; kept for the next flush');
    }
  }
}

/** The first UTC day still kept: RETENTION_DAYS days up to and including `today`. */
function retentionStart(today: string): string {
  return utcDayOf(new Date(Date.parse(`${today}T00:00:00Z`) - (RETENTION_DAYS - 1) * 86_400_000));
}

/** One line of `larder stats`: a query and how often it found no close match. */
export interface SearchMiss {
  query: string;
  searches: number;
  /** The last UTC day it was searched, YYYY-MM-DD. */
  last_day: string;
}

/** The most frequent queries without a close match over the `days` UTC days up to `now`'s, most first. */
export async function topSearchMisses(db: Db, options: { days: number; limit: number; now?: Date }): Promise<{ since: string; misses: SearchMiss[] }> {
  const today = utcDayOf(options.now ?? new Date());
  const since = utcDayOf(new Date(Date.parse(`${today}T00:00:00Z`) - (options.days - 1) * 86_400_000));
  const rows = await db
    .selectFrom('search_misses')
    .select((eb) => ['query', eb.fn.sum<number | string>('searches').as('searches'), eb.fn.max('day').as('last_day')])
    .where('day', '>=', since)
    .groupBy('query')
    .orderBy(sql`sum(searches)`, 'desc')
    .orderBy('query')
    .limit(options.limit)
    .execute();
  return { since, misses: rows.map((row) => ({ query: row.query, searches: Number(row.searches), last_day: String(row.last_day) })) };
}
