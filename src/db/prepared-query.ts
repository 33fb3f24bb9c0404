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
): (db: Db, ...args: Args) => Promise<QueryResult<Row>> {
  const compiled = new WeakMap<Db, CompiledQuery<Row>>();
  return (db, ...args) => {
    let query = compiled.get(db);
    if (!query) {
      const slots = args.map((_, index) => new Slot(index)) as unknown as { [K in keyof Args]: never };
      query = build(db, ...slots).compile();
      compiled.set(db, query);
    }
    const parameters = query.parameters.map((value) => (value instanceof Slot ? args[value.index] : value));
    // On SQLite outside a transaction, straight to the connection (statement-cache.ts).
    let direct: QueryResult<Row> | undefined;
    try {
      direct = runOnSqliteDirectly<Row>(db, query.sql, parameters);
    } catch (error) {
      return Promise.reject(error as Error);
    }
    if (direct) return Promise.resolve(direct);
    return db.executeQuery(CompiledQuery.raw(query.sql, parameters) as CompiledQuery<Row>);
  };
}
