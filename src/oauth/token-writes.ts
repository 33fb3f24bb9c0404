import { CompiledQuery } from 'kysely';
import type { Db } from '../db/index.js';
import { sqliteConnectionOf, type CachedSqliteDatabase } from '../db/statement-cache.js';

/**
 * Group commit for the token endpoint's writes (issue 9): the code or refresh
 * token consumed, the access and refresh tokens stored. Every such write made while the
 * event loop runs one turn is queued; at the next turn (setImmediate) one transaction,
 * `BEGIN IMMEDIATE` ... `COMMIT` straight on better-sqlite3 with the cached prepared
 * statements, writes the whole queue. Each write's promise settles after that COMMIT, so an
 * answer naming a token is never sent before the token is in the database: a crash before
 * the commit loses only writes no client was told about.
 *
 * What a queued write will make of a row is kept in memory until its batch commits, and
 * the adapter's finds read through it (a code consumed by one request is seen consumed by
 * the next one in this process before the commit). The consume itself stays the
 * conditional UPDATE (`... WHERE consumed_at IS NULL`): the database says which of two
 * consumes of one code won, in one process or several.
 *
 * If a statement fails, the batch is rolled back and its writes run again one by one,
 * each as its own autocommit: only the write that fails again is rejected. A batch due
 * while someone else's Kysely transaction is open on the connection goes through Kysely
 * (which waits for that transaction), and later batches wait behind it, in order.
 *
 * On PostgreSQL a batch is one Kysely transaction on one pooled connection (a round trip
 * per statement, but one commit, so one WAL flush, for all of them); while it is on its
 * way, the next batch fills, and is sent when it ends. Measured faster than a statement
 * each (bench/README.md). Row locks make a second process's consume of the same code wait
 * for the first's commit and then change nothing.
 */

/** What a row will be once the queued writes commit: the payload stored, and when it was consumed. */
export interface PendingRow {
  /** JSON as stored, when the queue stores the row; undefined when it only consumes it. */
  payload?: string;
  expiresAt?: number | null;
  consumedAt: number | null;
}

interface Write {
  sql: string;
  parameters: readonly unknown[];
  resolve(changes: number): void;
  reject(error: unknown): void;
}

/** One batch: its writes in order, what they make of each row, and when it has settled. */
interface Batch {
  writes: Write[];
  rows: Map<string, PendingRow>;
  settled: Promise<void>;
  markSettled(): void;
}

function newBatch(): Batch {
  let markSettled!: () => void;
  const settled = new Promise<void>((resolve) => (markSettled = resolve));
  return { writes: [], rows: new Map(), settled, markSettled };
}

export class TokenWriteBatch {
  readonly #db: Db;
  /** The SQLite connection written on directly; undefined on PostgreSQL (every batch through Kysely). */
  readonly #connection: CachedSqliteDatabase | undefined;
  /** The batch being filled. */
  #open: Batch = newBatch();
  /** Batches flushed but not yet settled (waiting for a transaction, or on their way to PostgreSQL), oldest first. */
  readonly #flushed: Batch[] = [];
  #scheduled: NodeJS.Immediate | undefined;
  /** The last flushed batch that has not settled (batches commit one after another, in order). */
  #behind: Promise<void> | undefined;

  constructor(db: Db, connection: CachedSqliteDatabase | undefined) {
    this.#db = db;
    this.#connection = connection;
  }

  /** What the queued writes make of a row (`key`: model, NUL, stored id), the newest write's view. */
  pending(key: string): PendingRow | undefined {
    const row = this.#open.rows.get(key);
    if (row) return row;
    for (let i = this.#flushed.length - 1; i >= 0; i--) {
      const flushed = this.#flushed[i]!.rows.get(key);
      if (flushed) return flushed;
    }
    return undefined;
  }

  /**
   * Queues one statement; `apply` says what it makes of the row `key` (given what the queue
   * already makes of it). Resolves with the number of rows it changed, once committed.
   */
  write(sql: string, parameters: readonly unknown[], key: string, apply: (row: PendingRow | undefined) => PendingRow): Promise<number> {
    return new Promise<number>((resolve, reject) => {
      this.#open.rows.set(key, apply(this.pending(key)));
      this.#open.writes.push({ sql, parameters, resolve, reject });
      // On PostgreSQL a batch in flight flushes the next one when it ends.
      if (!this.#scheduled && !(this.#connection === undefined && this.#behind)) this.#scheduled = setImmediate(() => this.#flush());
    });
  }

  /** Resolves once every write queued so far has settled (committed or failed). */
  async settled(): Promise<void> {
    const open = this.#open;
    if (open.writes.length > 0) {
      if (this.#connection || !this.#behind) this.#flush();
      await open.settled;
    } else if (this.#behind) {
      await this.#behind;
    }
  }

  #flush(): void {
    if (this.#scheduled) clearImmediate(this.#scheduled);
    this.#scheduled = undefined;
    const batch = this.#open;
    if (batch.writes.length === 0) return;
    this.#open = newBatch();
    const connection = this.#connection;
    if (connection && !this.#behind && !connection.inTransaction) {
      this.#commitDirectly(batch.writes);
      batch.markSettled();
      return;
    }
    // SQLite: someone's transaction holds the connection (or an earlier batch waits for one);
    // PostgreSQL: always. After the batch before, in order.
    this.#flushed.push(batch);
    const run: Promise<void> = (this.#behind ?? Promise.resolve()).then(async () => {
      try {
        if (connection && !connection.inTransaction) this.#commitDirectly(batch.writes);
        else await this.#commitThroughKysely(batch.writes);
      } finally {
        this.#flushed.splice(this.#flushed.indexOf(batch), 1);
        if (this.#behind === run) this.#behind = undefined;
        batch.markSettled();
        if (!connection && this.#open.writes.length > 0) this.#flush();
      }
    });
    this.#behind = run;
  }

  #run(write: Write): number {
    return Number(this.#connection!.prepare(write.sql).run(write.parameters).changes);
  }

  #commitDirectly(writes: Write[]): void {
    const connection = this.#connection!;
    let changes: number[];
    try {
      connection.prepare('BEGIN IMMEDIATE').run([]);
      try {
        changes = writes.map((write) => this.#run(write));
        connection.prepare('COMMIT').run([]);
      } catch (error) {
        // Some errors (SQLITE_FULL, SQLITE_IOERR, ...) have rolled the transaction back already.
        if (connection.inTransaction) connection.prepare('ROLLBACK').run([]);
        throw error;
      }
    } catch {
      this.#oneByOne(writes);
      return;
    }
    writes.forEach((write, i) => write.resolve(changes[i]!));
  }

  async #commitThroughKysely(writes: Write[]): Promise<void> {
    let changes: number[];
    try {
      changes =
        (this.#connection === undefined ? await this.#inOneStatement(writes) : undefined) ??
        (await this.#db.transaction().execute(async (trx) => {
          const counts: number[] = [];
          for (const write of writes) counts.push(Number((await trx.executeQuery(CompiledQuery.raw(write.sql, [...write.parameters]))).numAffectedRows ?? 0));
          return counts;
        }));
    } catch {
      // One by one through Kysely (each its own autocommit, after any open transaction).
      for (const write of writes) {
        try {
          write.resolve(Number((await this.#db.executeQuery(CompiledQuery.raw(write.sql, [...write.parameters]))).numAffectedRows ?? 0));
        } catch (error) {
          write.reject(error);
        }
      }
      return;
    }
    writes.forEach((write, i) => write.resolve(changes[i]!));
  }

  /**
   * PostgreSQL: a batch of one write is sent as it is, its own autocommit: one round trip
   * instead of three (BEGIN, the write, COMMIT). Larger batches go as a transaction
   * (undefined). Tried and dropped: every batch as one statement (the writes as the
   * data-modifying parts of one `WITH`); measured only together with a Grant cache, since
   * dropped too, PostgreSQL's CPU per answer rose by half (bench/README.md, session 13).
   */
  async #inOneStatement(writes: Write[]): Promise<number[] | undefined> {
    if (writes.length !== 1) return undefined;
    const [write] = writes as [Write];
    return [Number((await this.#db.executeQuery(CompiledQuery.raw(write.sql, [...write.parameters]))).numAffectedRows ?? 0)];
  }

  /** After a failed batch: each write alone, so one bad write fails only itself. */
  #oneByOne(writes: Write[]): void {
    for (const write of writes) {
      try {
        write.resolve(this.#run(write));
      } catch (error) {
        write.reject(error);
      }
    }
  }
}

const batches = new WeakMap<object, TokenWriteBatch>();

/** The write batch of a database (one per Kysely instance: straight on the connection for SQLite, through Kysely for PostgreSQL). */
export function tokenWriteBatch(db: Db): TokenWriteBatch {
  let batch = batches.get(db);
  if (!batch) {
    batch = new TokenWriteBatch(db, sqliteConnectionOf(db));
    batches.set(db, batch);
  }
  return batch;
}

/**
 * Waits until every token write queued on `db` so far is committed (or has failed): for
 * code that deletes token rows itself (a grant revoked from /account), so a write queued
 * before the delete cannot land after it.
 */
export async function settleTokenWrites(db: Db): Promise<void> {
  await batches.get(db)?.settled();
}
