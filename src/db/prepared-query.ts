import { CompiledQuery, type Compilable, type QueryResult } from 'kysely';
import type { Db } from './index.js';
import { runOnSqliteDirectly } from './statement-cache.js';

/** Where a value given at run time goes in a query built by {@link preparedQuery}. */
class Slot {
  constructor(readonly index: number) {}
}

/**
 * A hot query built with Kysely once (per database, since the SQL is the dialect's) and
 * then run with new values: building a query object and compiling it to SQL cost more
 * than SQLite takes to run a point lookup. `build` gets one placeholder per argument and
 * uses them where the values go; constants stay constants. The SQL text is then the same
 * on every call, so it is also prepared once (statement-cache.ts, named-statements.ts).
 *
 * @example
 *   const findPayload = preparedQuery((db, model, id) => db.selectFrom('oauth_models').select('payload').where('model', '=', model).where('id', '=', id));
 *   const { rows } = await findPayload(db, 'Grant', grantId);
 */
export function preparedQuery<Row, Args extends unknown[]>(
  build: (db: Db, ...slots: { [K in keyof Args]: never }) => Compilable<Row>,
): PreparedQuery<Row, Args> {
  const compiled = new WeakMap<object, CompiledQuery<Row>>();
  const bind = (db: Db, args: Args): { sql: string; parameters: unknown[] } => {
    const key = compiledFor(db);
    let query = compiled.get(key);
    if (!query) {
      const slots = args.map((_, index) => new Slot(index)) as unknown as { [K in keyof Args]: never };
      query = build(db, ...slots).compile();
      compiled.set(key, query);
    }
    return { sql: query.sql, parameters: query.parameters.map((value) => (value instanceof Slot ? args[value.index] : value)) };
  };
  const run = (db: Db, ...args: Args): Promise<QueryResult<Row>> => {
    const { sql, parameters } = bind(db, args);
    // On SQLite outside a transaction, straight to the connection (statement-cache.ts).
    let direct: QueryResult<Row> | undefined;
    try {
      direct = runOnSqliteDirectly<Row>(db, sql, parameters);
    } catch (error) {
      return Promise.reject(error as Error);
    }
    if (direct) return Promise.resolve(direct);
    return db.executeQuery(CompiledQuery.raw(sql, parameters) as CompiledQuery<Row>);
  };
  return Object.assign(run, { bind: (db: Db, ...args: Args) => bind(db, args) });
}

/** A query built by {@link preparedQuery}: run it, or `bind` it to values (its SQL and parameters, for a caller that runs it itself). */
export type PreparedQuery<Row, Args extends unknown[]> = ((db: Db, ...args: Args) => Promise<QueryResult<Row>>) & {
  bind(db: Db, ...args: Args): { sql: string; parameters: unknown[] };
};

/**
 * What a compiled query is kept under: the database's dialect adapter, which a transaction
 * shares with the database it was begun on (Kysely's executor keeps it), so a query run
 * inside a new transaction each time (the history's group commit) is compiled once, not
 * at every commit. `getExecutor` is marked internal in Kysely's types; without it, the
 * database object itself. (Larder uses no Kysely plugins, which would change the SQL under the same adapter.)
 */
function compiledFor(db: Db): object {
  return (db as unknown as { getExecutor?: () => { adapter?: object } }).getExecutor?.().adapter ?? db;
}
