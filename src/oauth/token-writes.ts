import { CompiledQuery, sql } from 'kysely';
import type { Db } from '../db/index.js';
import { backendOfLostConnection, isDatabaseUnavailable } from '../db/errors.js';
import { sendUnnamed } from '../db/named-statements.js';
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
 * each as its own autocommit: only the write that fails again is rejected. If every
 * statement ran and the COMMIT itself failed, the batch may have landed with its answer lost
 * (a connection cut after PostgreSQL committed): run again, a consume that did land would
 * change nothing and be taken for a replay, revoking the grant for a database fault. So the
 * database is asked first, once the server process of the lost connection has finished
 * (pg_stat_activity; until then the batch may still commit): a row the batch stores, read back with the payload it stored,
 * means the whole batch landed, and its writes resolve as they ran; a row missing means it did
 * not, and the writes run again; no row to ask by, or no answer, rejects the batch (the
 * client is told the request failed, which is true of what it can know). On SQLite a
 * transaction that cannot be rolled back after a failure rejects its batch rather than run
 * the writes again inside it, where they would never commit. A batch due
 * while someone else's Kysely transaction is open on the connection goes through Kysely
 * (which waits for that transaction), and later batches wait behind it, in order.
 *
 * On PostgreSQL a batch is one Kysely transaction on one pooled connection (a round trip
 * per statement, but one commit, so one WAL flush, for all of them); up to
 * {@link PG_BATCHES_IN_FLIGHT} are on their way at once (each on its own connection; one that
 * writes a row another on its way writes waits for it), and while every slot is taken the
 * next batch fills, sent when one ends. Measured faster than a statement each
 * (bench/README.md). Row locks make a second process's consume of the same code wait for the
 * first's commit and then change nothing.
 */

/** What a row will be once the queued writes commit: the payload stored, and when it was consumed. */
export interface PendingRow {
  /** JSON as stored, when the queue stores the row; undefined when it only consumes it. */
  payload?: string;
  expiresAt?: number | null;
  consumedAt: number | null;
}

/**
 * What a write does, as values, for PostgreSQL's batch statement ({@link BATCH_STATEMENT}):
 * a consume (model, stored id, when) or an upsert (the values of {@link UPSERT_COLUMNS}).
 */
export type WriteOp = { consume: readonly [model: string, id: string, at: number] } | { upsert: readonly unknown[] };

interface Write {
  sql: string;
  parameters: readonly unknown[];
  op: WriteOp | undefined;
  /** The row it writes: model, NUL, stored id. */
  key: string;
  /** The payload JSON it stores, when it stores the row (an upsert). */
  stores: string | undefined;
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
  write(sql: string, parameters: readonly unknown[], key: string, apply: (row: PendingRow | undefined) => PendingRow, stores?: string, op?: WriteOp): Promise<number> {
    return new Promise<number>((resolve, reject) => {
      this.#open.rows.set(key, apply(this.pending(key)));
      this.#open.writes.push({ sql, parameters, op, key, stores, resolve, reject });
      // On PostgreSQL, with every batch slot taken, a batch that ends flushes the next one.
      if (!this.#scheduled && this.#mayFlush()) this.#scheduled = setImmediate(() => this.#flush());
    });
  }

  /** Whether the open batch may be flushed now: always on SQLite; on PostgreSQL while a slot is free. */
  #mayFlush(): boolean {
    return this.#connection !== undefined || this.#flushed.length < PG_BATCHES_IN_FLIGHT;
  }

  /** Resolves once every write queued so far has settled (committed or failed). */
  async settled(): Promise<void> {
    // The writes before the open batch: on SQLite the last batch flushed (each commits after the
    // one before); on PostgreSQL every batch on its way (they commit side by side), so that a
    // revocation never runs while an earlier token save is uncommitted.
    const earlier = this.#connection ? (this.#behind ? [this.#behind] : []) : this.#flushed.map((batch) => batch.settled);
    const open = this.#open;
    if (open.writes.length > 0) {
      if (this.#mayFlush()) this.#flush();
      earlier.push(open.settled);
    }
    await Promise.all(earlier);
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
    // SQLite: someone's transaction holds the connection (or an earlier batch waits for one):
    // after the batch before, in order. PostgreSQL: always; at once, on its own pooled
    // connection, unless it writes a row that a batch still on its way writes too: then
    // after every batch on its way, so the writes of one row apply in order.
    const before = connection ? (this.#behind ?? Promise.resolve()) : afterSharedRows(batch, this.#flushed);
    this.#flushed.push(batch);
    const run: Promise<void> = before.then(async () => {
      try {
        if (connection && !connection.inTransaction) this.#commitDirectly(batch.writes);
        else await this.#commitThroughKysely(batch.writes);
      } finally {
        this.#flushed.splice(this.#flushed.indexOf(batch), 1);
        if (this.#behind === run) this.#behind = undefined;
        batch.markSettled();
        if (!connection && this.#open.writes.length > 0 && this.#mayFlush()) this.#flush();
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
        rollBack(connection);
        throw error;
      }
    } catch (error) {
      // A failed COMMIT on SQLite leaves the transaction open (rolled back above) or rolls it
      // back itself: nothing landed. Writes run now inside a transaction still open would
      // never commit.
      // Locked out (SQLITE_BUSY once busy_timeout has passed, at BEGIN IMMEDIATE or later): each
      // write alone would wait as long again, with the event loop stopped; the batch fails as the
      // database being busy (503) instead.
      if (connection.inTransaction || isDatabaseUnavailable(error)) rejectAll(writes, error);
      else this.#oneByOne(writes);
      return;
    }
    writes.forEach((write, i) => write.resolve(changes[i]!));
  }

  /**
   * Whether a batch whose COMMIT failed landed after all: one row it stores, read back with
   * the payload it stored (the batch was one transaction, so one row tells of all). Undefined
   * when the batch stores no row or the database does not answer.
   */
  async #landed(writes: Write[], error: unknown): Promise<boolean | undefined> {
    const probe = writes.find((write) => write.stores !== undefined);
    // SQLite with the transaction still open (COMMIT and ROLLBACK both failed): a read now
    // would see the batch's own uncommitted rows.
    if (!probe || this.#connection?.inTransaction) return undefined;
    const split = probe.key.indexOf('\0');
    try {
      // A connection lost at COMMIT: its server process may still be committing, and until it
      // has, the rows read as not landed and a write run again waits for its locks, then finds
      // the code consumed (a replay). Read back only once that process has finished.
      const pid = this.#connection ? undefined : backendOfLostConnection(error);
      if (pid !== undefined && !(await backendDone(this.#db, pid))) return undefined;
      const row = await this.#db
        .selectFrom('oauth_models')
        .select('payload')
        .where('model', '=', probe.key.slice(0, split))
        .where('id', '=', probe.key.slice(split + 1))
        .executeTakeFirst();
      return row?.payload === probe.stores;
    } catch {
      return undefined;
    }
  }

  async #commitThroughKysely(writes: Write[]): Promise<void> {
    let changes: number[];
    /** Set once every statement has run: a failure after it is the COMMIT's. */
    let ran: number[] | undefined;
    try {
      if (this.#connection === undefined && writes.length === 1) {
        // PostgreSQL: a batch of one write is sent as it is, its own autocommit: one round trip
        // instead of three (BEGIN, the write, COMMIT). Cut off on its way back it may have
        // committed, as a COMMIT may: it is read back below the same way (an upsert changes 1
        // row; a consume alone has no row to read back by, and fails as a database error).
        // Tried and dropped: every batch as one statement (the writes as the data-modifying
        // parts of one `WITH`), measured only with a Grant cache since dropped too: PostgreSQL's
        // CPU per answer rose by half (bench/README.md, session 13).
        const [write] = writes as [Write];
        try {
          changes = [Number((await this.#db.executeQuery(CompiledQuery.raw(write.sql, [...write.parameters]))).numAffectedRows ?? 0)];
        } catch (error) {
          if (isDatabaseUnavailable(error)) ran = [1];
          throw error;
        }
      } else {
        const batchStatement = this.#connection === undefined ? asBatchStatement(writes) : undefined;
        changes = await this.#db.transaction().execute(async (trx) => {
          let counts: number[];
          if (batchStatement) {
            // PostgreSQL: every write of the batch in one statement (one round trip, not one each).
            const { rows } = await trx.executeQuery<{ model: string; id: string }>(CompiledQuery.raw(BATCH_STATEMENT, batchStatement));
            const consumed = new Set(rows.map((row) => `${row.model}\0${row.id}`));
            counts = writes.map((write) => (write.op && 'consume' in write.op ? (consumed.has(write.key) ? 1 : 0) : 1));
          } else {
            counts = [];
            for (const write of writes) counts.push(Number((await trx.executeQuery(CompiledQuery.raw(write.sql, [...write.parameters]))).numAffectedRows ?? 0));
          }
          ran = counts;
          return counts;
        });
      }
    } catch (error) {
      if (ran) {
        const landed = await this.#landed(writes, error);
        if (landed === true) {
          const counts = ran;
          writes.forEach((write, i) => write.resolve(counts[i]!));
          return;
        }
        if (landed === undefined) {
          rejectAll(writes, error);
          return;
        }
      }
      // On SQLite a batch locked out (SQLITE_BUSY) would have each write wait busy_timeout again,
      // synchronously: it fails as the database being busy, as on the direct path.
      if (this.#connection && isDatabaseUnavailable(error)) {
        rejectAll(writes, error);
        return;
      }
      // One by one through Kysely (each its own autocommit, after any open transaction).
      for (const write of writes) {
        // On SQLite, Kysely's mutex means no transaction of Kysely's is open now: one that is
        // was left by a ROLLBACK that failed, and a write run inside it would never commit.
        if (this.#connection?.inTransaction) {
          write.reject(error);
          continue;
        }
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

  /** After a failed batch: each write alone, so one bad write fails only itself. */
  #oneByOne(writes: Write[]): void {
    /** A write locked out: the rest would each wait busy_timeout too, and fail with it. */
    let lockedOut: unknown;
    for (const write of writes) {
      if (lockedOut !== undefined) {
        write.reject(lockedOut);
        continue;
      }
      try {
        write.resolve(this.#run(write));
      } catch (error) {
        if (isDatabaseUnavailable(error)) lockedOut = error;
        write.reject(error);
      }
    }
  }
}

/**
 * PostgreSQL: how many batches may be on their way at once, each in its own transaction on its
 * own pooled connection (PostgreSQL flushes the WAL of commits that arrive together once). While
 * all are taken, writes queue into the next batch.
 */
const PG_BATCHES_IN_FLIGHT = 2;

/** Settles once every batch of `flushed` that writes a row `batch` writes has settled (at once when none does). */
function afterSharedRows(batch: Batch, flushed: readonly Batch[]): Promise<unknown> {
  const shared = flushed.filter((earlier) => {
    for (const key of batch.rows.keys()) if (earlier.rows.has(key)) return true;
    return false;
  });
  return shared.length === 0 ? Promise.resolve() : Promise.all(shared.map((earlier) => earlier.settled));
}

/** The columns an upsert's {@link WriteOp} gives, in order; consumed_at is set to null. */
export const UPSERT_COLUMNS = ['model', 'id', 'payload', 'grant_id', 'user_code', 'uid', 'client_id', 'account_id', 'expires_at'] as const;
const UPSERT_TYPES = ['varchar', 'varchar', 'text', 'varchar', 'varchar', 'varchar', 'varchar', 'varchar', 'bigint'] as const;

/**
 * PostgreSQL: a batch's consumes and upserts as one statement over arrays (one per column), so
 * its text is the same for every batch (planned for each, see below).
 * Returns the rows the consumes changed. Only for batches whose writes touch distinct rows: one
 * statement sees one snapshot, so two writes of one row would not apply in order.
 * (Session 13 tried a batch as one WITH of a statement per write: a new text for every batch
 * size, parsed and planned each time; PostgreSQL's CPU rose by half.)
 */
const BATCH_STATEMENT = [
  'with "consumed" as (update "oauth_models" as "m" set "consumed_at" = "c"."at"',
  ' from unnest($1::varchar[], $2::varchar[], $3::bigint[]) as "c"("model", "id", "at")',
  ' where "m"."model" = "c"."model" and "m"."id" = "c"."id" and "m"."consumed_at" is null returning "m"."model", "m"."id"),',
  ` "stored" as (insert into "oauth_models" (${UPSERT_COLUMNS.map((c) => `"${c}"`).join(', ')}, "consumed_at")`,
  ` select ${UPSERT_COLUMNS.map((c) => `"s"."${c}"`).join(', ')}, null::bigint`,
  ` from unnest(${UPSERT_TYPES.map((type, i) => `$${i + 4}::${type}[]`).join(', ')}) as "s"(${UPSERT_COLUMNS.map((c) => `"${c}"`).join(', ')})`,
  ` on conflict ("model", "id") do update set ${UPSERT_COLUMNS.slice(2).map((c) => `"${c}" = excluded."${c}"`).join(', ')}, "consumed_at" = null)`,
  ' select "model", "id" from "consumed"',
].join('');

// Planned for each batch: named (one plan per connection, after five calls possibly a generic one),
// it took 490 ms for 30 consumes and 50-60 ms for a few inserts in some benchmark runs (a plan that
// reads the whole table, it seems; not confirmed), where it otherwise takes 1-5 ms.
sendUnnamed(BATCH_STATEMENT);

/** The parameters of {@link BATCH_STATEMENT} for `writes`, or undefined when it does not fit them (a write without its op, a row written twice). */
function asBatchStatement(writes: readonly Write[]): unknown[][] | undefined {
  const keys = new Set<string>();
  const consumes: unknown[][] = [[], [], []];
  const upserts: unknown[][] = UPSERT_COLUMNS.map(() => []);
  for (const write of writes) {
    if (!write.op || keys.has(write.key)) return undefined;
    keys.add(write.key);
    const values = 'consume' in write.op ? write.op.consume : write.op.upsert;
    const columns = 'consume' in write.op ? consumes : upserts;
    values.forEach((value, i) => columns[i]!.push(value));
  }
  return [...consumes, ...upserts];
}

/** How long a batch whose COMMIT was cut waits for the server process to finish it (ms). */
const LOST_COMMIT_WAIT_MS = 2000;

/**
 * Whether PostgreSQL's server process `pid` has no transaction open any more (gone, or idle),
 * waited for up to {@link LOST_COMMIT_WAIT_MS}: false while it is still committing or blocked.
 */
async function backendDone(db: Db, pid: number): Promise<boolean> {
  const deadline = Date.now() + LOST_COMMIT_WAIT_MS;
  for (;;) {
    const { rows } = await sql<{ state: string | null }>`select state from pg_stat_activity where pid = ${pid}`.execute(db);
    if (rows.length === 0 || rows[0]!.state === 'idle') return true;
    if (Date.now() >= deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** Rolls back the connection's open transaction, if any; a ROLLBACK that fails is tried once more. */
function rollBack(connection: CachedSqliteDatabase): void {
  for (let attempt = 0; attempt < 2 && connection.inTransaction; attempt++) {
    try {
      connection.prepare('ROLLBACK').run([]);
    } catch {
      // Tried again; the caller sees whether the transaction is still open.
    }
  }
}

function rejectAll(writes: readonly Write[], error: unknown): void {
  for (const write of writes) write.reject(error);
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
