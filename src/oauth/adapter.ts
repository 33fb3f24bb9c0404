import { hash } from 'node:crypto';
import { CompiledQuery, type Kysely } from 'kysely';
import Provider, { errors } from 'oidc-provider';
import { publishChanges, type Change } from '../changes/feed.js';
import { sendUnnamed } from '../db/named-statements.js';
import { preparedQuery } from '../db/prepared-query.js';
import { sqliteConnectionOf } from '../db/statement-cache.js';
import type { Database } from '../db/schema.js';
import { tokenWriteBatch, type PendingRow } from './token-writes.js';

/**
 * Storage for oidc-provider 9 models (Session, Interaction, Grant, AuthorizationCode,
 * AccessToken, RefreshToken, PushedAuthorizationRequest, DeviceCode, ...) in Larder's
 * own database, through Kysely, on SQLite and PostgreSQL alike.
 *
 * One table, `oauth_models`, keyed by (model, id), holds every model. oidc-provider
 * treats all models the same way (an opaque JSON payload plus a few lookup keys), the set
 * of models grows with the features that are switched on, and a single table means one
 * migration, one purge statement and one revoke-by-grant statement instead of fifteen.
 *
 * Times are integer epoch seconds (`bigint` columns). A row whose `expires_at` is at or
 * before "now" is expired (the same rule as oidc-provider's own `isExpired`: exp <= now)
 * and is never returned by `find*`, even though it stays in the table until
 * {@link purgeExpired} removes it. Note this is stricter than oidc-provider's
 * `clockTolerance` (15 s by default), which only matters across machines whose clocks
 * disagree; the database host's clock is not used, the Node process's clock is.
 *
 * Clients: Larder keeps OAuth clients in its own `clients` module (hashed secrets), not
 * in this table. oidc-provider 9 has no "findClient" hook: `Client.find(id)` looks at the
 * static `clients` configuration and then asks the adapter for model "Client". So the
 * intended wiring is an adapter *factory* that routes "Client" elsewhere, e.g.
 * `adapter: (name) => name === 'Client' ? larderClientsAdapter : new KyselyAdapter(name)`
 * (oidc-provider accepts a constructor or a plain, non-async factory function). This
 * adapter stays generic: given model "Client" it stores and finds rows like any other.
 *
 * No token value at rest: oidc-provider keys a model by its value (an access token, a
 * refresh token, a code, the session cookie are each their own id), so a copy of this
 * table would be a set of live credentials. The `id` column holds the SHA-256 of the id
 * instead ({@link storedModelId}), as Ory Hydra keeps only signatures; a presented value is
 * hashed to be found, and the payload's own `jti` (the same value) is not stored but
 * restored from the value presented. Grants and Clients keep their ids in clear: they are
 * handles, not credentials (every token row names its grant in `grant_id` for revocation,
 * /account links to a grant by id, and a client id is public). Migration 0020 converted
 * the rows stored before.
 */

/** What oidc-provider hands to `upsert` and expects back from `find*`. */
export interface AdapterPayload {
  [key: string]: unknown;
  grantId?: string;
  userCode?: string;
  uid?: string;
  /** Set by `consume` (epoch seconds); truthy means consumed. */
  consumed?: unknown;
}

/** oidc-provider's Adapter interface (the package ships no TypeScript types). */
export interface OidcAdapter {
  upsert(id: string, payload: AdapterPayload, expiresIn?: number): Promise<void>;
  find(id: string): Promise<AdapterPayload | undefined>;
  findByUserCode(userCode: string): Promise<AdapterPayload | undefined>;
  findByUid(uid: string): Promise<AdapterPayload | undefined>;
  consume(id: string): Promise<void>;
  destroy(id: string): Promise<void>;
  revokeByGrantId(grantId: string): Promise<void>;
}

export type OidcAdapterConstructor = new (name: string) => OidcAdapter & { readonly name: string };

export interface KyselyAdapterOptions {
  /** The current time in epoch seconds; tests move it forward instead of sleeping. */
  now?: () => number;
}

/**
 * The models oidc-provider revokes by grant id (the same set as its memory adapter).
 * Grant itself is destroyed by id, and Interaction/Session rows that mention a grant
 * are left alone.
 */
export const GRANT_BOUND_MODELS: readonly string[] = [
  'AccessToken',
  'AuthorizationCode',
  'RefreshToken',
  'DeviceCode',
  'BackchannelAuthenticationRequest',
  'PreAuthorizedCode',
];

/**
 * The token endpoint's models: their writes go through the group commit
 * (token-writes.ts). Sessions, interactions and grants are written as before.
 */
export const BATCHED_MODELS: ReadonlySet<string> = new Set(['AccessToken', 'RefreshToken', 'AuthorizationCode']);

/**
 * Single-use credentials: a consume that changes no row (another request consumed it
 * first, in this process or another, or it is gone) is refused as a reuse.
 */
const SINGLE_USE_MODELS: ReadonlySet<string> = new Set(['AuthorizationCode', 'RefreshToken']);
/**
 * The models whose save at the token endpoint is committed before the answer rather than
 * before the provider goes on (see {@link tokenWritesOf}): the access and refresh tokens
 * a token request issues. Not the consume, whose outcome decides whether tokens are issued.
 */
const SAVED_BEFORE_ANSWER: ReadonlySet<string> = new Set(['AccessToken', 'RefreshToken']);

/**
 * The token writes a request (oidc-provider's Koa context) has queued and not yet seen
 * committed: its access and refresh tokens saved, and its code or refresh token consumed.
 */
const queuedSaves = new WeakMap<object, Array<Promise<unknown>>>();

/**
 * Lets the token writes of the request `ctx` (the code or refresh token consumed, the access
 * and refresh tokens saved) be committed before its answer rather than one by one before the
 * provider goes on: the caller, a middleware around the provider's routes (provider.ts), must
 * then wait for {@link tokenWritesOf} before the answer is written, so no answer names a token
 * that is not in the database, and none is sent for a code or refresh token whose consume
 * lost (the promise then rejects with `invalid_grant`, the grant revoked). oidc-provider
 * consumes, then saves the access token, then the refresh token, each awaited; this way all
 * three usually go in one batch of the group commit instead of one batch each. Without it (a
 * provider without that middleware), every write is awaited as it is made.
 */
export function holdAnswerForTokenSaves(ctx: object): void {
  queuedSaves.set(ctx, []);
}

/**
 * The token writes `ctx` queued (see {@link holdAnswerForTokenSaves}), once every one has
 * settled: rejects as the first in queue order that failed (the consume, when it lost).
 */
export function tokenWritesOf(ctx: object): Promise<unknown> | undefined {
  const saves = queuedSaves.get(ctx);
  queuedSaves.delete(ctx);
  if (!saves || saves.length === 0) return undefined;
  return Promise.allSettled(saves).then((outcomes) => {
    for (const outcome of outcomes) if (outcome.status === 'rejected') throw outcome.reason;
    return outcomes;
  });
}

/** After a grant is revoked, its tokens are removed again this long after (ms): see `#sweepLater`. */
const REUSE_SWEEPS_MS = [100, 1000];

/** Models whose ids are handles, not credentials: stored as they are (see the file comment). */
export const CLEAR_ID_MODELS: ReadonlySet<string> = new Set(['Grant', 'Client']);

/**
 * SHA-256 (base64url) of a model id: the key a credential is stored under, and how the
 * change feed and the API's cache of verified tokens name a token (never by its value).
 */
export function hashModelId(id: string): string {
  return hash('sha256', id, 'base64url');
}

/** The `id` column value for a model's id. */
export function storedModelId(model: string, id: string): string {
  return CLEAR_ID_MODELS.has(model) ? id : hashModelId(id);
}

/**
 * The payload as stored: its `jti` (the id itself) blanked, and in an Interaction the
 * copy oidc-provider keeps of the session cookie value (`session.cookie`, which it never
 * reads back) left out. Key order is kept so a payload round-trips exactly.
 */
export function payloadForStorage(model: string, id: string, payload: AdapterPayload): AdapterPayload {
  if (CLEAR_ID_MODELS.has(model)) return payload;
  const stored: AdapterPayload = { ...payload };
  if (stored.jti === id) stored.jti = null;
  const session = stored.session as Record<string, unknown> | undefined;
  if (model === 'Interaction' && session && typeof session === 'object' && 'cookie' in session) {
    const { cookie: _cookie, ...rest } = session;
    stored.session = rest;
  }
  return stored;
}

/**
 * The feed rows that let every process drop its copies (src/changes/) when a model goes:
 * an access token verified and cached by the API, or a grant whose tokens were.
 */
function changesOnRemoval(model: string, id: string): Change[] {
  if (model === 'AccessToken') return [{ kind: 'token', key: hashModelId(id) }];
  if (model === 'Grant') return [{ kind: 'grant', key: id }];
  return [];
}

function dropGrantRead(): void {
  const ctx = Provider.ctx;
  if (ctx) grantsRead.delete(ctx);
}

export function epochSeconds(date: Date = new Date()): number {
  return Math.floor(date.getTime() / 1000);
}

function stringOrNull(value: unknown): string | null {
  return typeof value === 'string' && value !== '' ? value : null;
}

function withoutBlankJti(payload: AdapterPayload | undefined): AdapterPayload | undefined {
  if (payload && payload.jti === null) delete payload.jti;
  return payload;
}

function toNumber(value: number | string | null): number | null {
  return value === null ? null : Number(value);
}

// The token endpoint's statements (a code or refresh token found, consumed, two tokens
// stored), built once per database instead of on every call (src/db/prepared-query.ts).
type ModelValue = string | number | null;
const upsertModel = preparedQuery<unknown, [string, string, string, ModelValue, ModelValue, ModelValue, ModelValue, ModelValue, ModelValue]>(
  (db, model, id, payload, grantId, userCode, uid, clientId, accountId, expiresAt) => {
    // A replaced payload starts unconsumed, as with oidc-provider's memory adapter.
    const values = { payload, grant_id: grantId, user_code: userCode, uid, client_id: clientId, account_id: accountId, expires_at: expiresAt, consumed_at: null };
    return db
      .insertInto('oauth_models')
      .values({ model, id, ...values })
      .onConflict((oc) => oc.columns(['model', 'id']).doUpdateSet(values));
  },
);
const findModelBy = Object.fromEntries(
  (['id', 'user_code', 'uid'] as const).map((column) => [
    column,
    preparedQuery<{ payload: string; consumed_at: number | string | null }, [string, string, number]>((db, model, value, now) =>
      db
        .selectFrom('oauth_models')
        .select(['payload', 'consumed_at'])
        .where('model', '=', model)
        .where(column, '=', value)
        .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', now)]))
        .limit(1),
    ),
  ]),
) as Record<'id' | 'user_code' | 'uid', (db: Kysely<Database>, model: string, value: string, now: number) => Promise<{ rows: Array<{ payload: string; consumed_at: number | string | null }> }>>;
/**
 * At the token endpoint, a code or refresh token is read with its grant in one statement:
 * oidc-provider finds the grant right after (see {@link grantsRead}). The grant's payload is
 * null when it is gone or expired.
 */
const findWithGrant = preparedQuery<{ payload: string; consumed_at: number | string | null; grant_id: string | null; grant_payload: string | null }, [string, string, number]>(
  (db, model, id, now) =>
    db
      .selectFrom('oauth_models as t')
      .leftJoin('oauth_models as g', (join) =>
        join
          .on('g.model', '=', 'Grant')
          .onRef('g.id', '=', 't.grant_id')
          .on((eb) => eb.or([eb('g.expires_at', 'is', null), eb('g.expires_at', '>', now)])),
      )
      .select(['t.payload', 't.consumed_at', 't.grant_id', 'g.payload as grant_payload'])
      .where('t.model', '=', model)
      .where('t.id', '=', id)
      .where((eb) => eb.or([eb('t.expires_at', 'is', null), eb('t.expires_at', '>', now)]))
      .limit(1),
);
type FoundWithGrant = { payload: string; consumed_at: number | string | null; grant_id: string | null; grant_payload: string | null };

/**
 * PostgreSQL: the finds of {@link findWithGrant} made in one event-loop turn, as one statement
 * over arrays (a round trip, a parse and a plan for all of them, not one each); each row is the
 * find's own (`i`, its place in the arrays), with its own time for the expiry.
 */
const FIND_WITH_GRANT_BATCH = [
  'select "f"."i", "t"."payload", "t"."consumed_at", "t"."grant_id", "g"."payload" as "grant_payload"',
  ' from unnest($1::varchar[], $2::varchar[], $3::bigint[]) with ordinality as "f"("model", "id", "at", "i")',
  ' join "oauth_models" as "t" on "t"."model" = "f"."model" and "t"."id" = "f"."id" and ("t"."expires_at" is null or "t"."expires_at" > "f"."at")',
  ' left join "oauth_models" as "g" on "g"."model" = \'Grant\' and "g"."id" = "t"."grant_id" and ("g"."expires_at" is null or "g"."expires_at" > "f"."at")',
].join('');
// Planned for each call's number of finds (as the write batch's statement, token-writes.ts).
sendUnnamed(FIND_WITH_GRANT_BATCH);

interface QueuedFind {
  model: string;
  id: string;
  at: number;
  resolve(row: FoundWithGrant | undefined): void;
  reject(error: unknown): void;
}

/**
 * The token endpoint's finds on PostgreSQL, queued for one turn and sent together (see
 * {@link FIND_WITH_GRANT_BATCH}); a turn with one find sends it alone, as before. On SQLite
 * each find runs at once (a point lookup on the connection costs less than a turn).
 */
function findsTogether(db: Kysely<Database>): (model: string, id: string, at: number) => Promise<FoundWithGrant | undefined> {
  if (sqliteConnectionOf(db)) return async (model, id, at) => (await findWithGrant(db, model, id, at)).rows[0];
  let queue: QueuedFind[] = [];
  const flush = async () => {
    const finds = queue;
    queue = [];
    try {
      if (finds.length === 1) {
        const [only] = finds as [QueuedFind];
        only.resolve((await findWithGrant(db, only.model, only.id, only.at)).rows[0]);
        return;
      }
      const { rows } = await db.executeQuery<FoundWithGrant & { i: string | number }>(
        CompiledQuery.raw(FIND_WITH_GRANT_BATCH, [finds.map((f) => f.model), finds.map((f) => f.id), finds.map((f) => f.at)]),
      );
      const found = new Map(rows.map((row) => [Number(row.i), row]));
      finds.forEach((find, i) => find.resolve(found.get(i + 1)));
    } catch (error) {
      for (const find of finds) find.reject(error);
    }
  };
  return (model, id, at) =>
    new Promise((resolve, reject) => {
      if (queue.length === 0) setImmediate(() => void flush());
      queue.push({ model, id, at, resolve, reject });
    });
}

/** The models whose find at the token endpoint reads the grant too. */
const FOUND_WITH_GRANT: ReadonlySet<string> = new Set(['AuthorizationCode', 'RefreshToken']);
/**
 * The grant read with a token request's code or refresh token (its id, and its payload or null
 * when gone), kept for that request's Grant.find, which takes it once. Dropped when the request
 * saves or removes a grant itself.
 */
const grantsRead = new WeakMap<object, { id: string; payload: string | null }>();

/** oidc-provider's context of the token request being served, if this is one. */
function tokenRequest(): object | undefined {
  const ctx = Provider.ctx;
  return ctx?.oidc?.route === 'token' ? ctx : undefined;
}

const consumeModel = preparedQuery<unknown, [number, string, string]>((db, at, model, id) =>
  db.updateTable('oauth_models').set({ consumed_at: at }).where('model', '=', model).where('id', '=', id).where('consumed_at', 'is', null),
);

/**
 * Returns an adapter class for oidc-provider's `adapter` configuration option:
 * `new Provider(issuer, { adapter: createKyselyAdapter(db) })`. oidc-provider constructs
 * one instance per model, passing the model name.
 */
export function createKyselyAdapter(db: Kysely<Database>, options: KyselyAdapterOptions = {}): OidcAdapterConstructor {
  const now = options.now ?? (() => epochSeconds());

  // oidc-provider's revoke() calls revokeByGrantId on several models at once with the same
  // grant id; since one call already removes every grant-bound model, concurrent calls for
  // the same grant share one DELETE rather than racing each other (which on PostgreSQL
  // could only wait on each other's row locks).
  const revoking = new Map<string, Promise<void>>();
  // The group commit of the token endpoint's writes (token-writes.ts).
  const batch = tokenWriteBatch(db);
  const findTokenWithGrant = findsTogether(db);

  return class KyselyAdapter implements OidcAdapter {
    readonly name: string;
    readonly #batched: boolean;

    constructor(name: string) {
      this.name = name;
      this.#batched = BATCHED_MODELS.has(name);
    }

    async upsert(id: string, payload: AdapterPayload, expiresIn?: number): Promise<void> {
      if (this.name === 'Grant') dropGrantRead();
      const values = {
        payload: JSON.stringify(payloadForStorage(this.name, id, payload)),
        grant_id: stringOrNull(payload.grantId),
        user_code: stringOrNull(payload.userCode),
        uid: stringOrNull(payload.uid),
        client_id: stringOrNull(payload.clientId),
        account_id: stringOrNull(payload.accountId),
        expires_at: typeof expiresIn === 'number' && Number.isFinite(expiresIn) ? now() + Math.floor(expiresIn) : null,
        // A replaced payload starts unconsumed, as with oidc-provider's memory adapter.
        consumed_at: null,
      };
      const storedId = storedModelId(this.name, id);
      const args = [this.name, storedId, values.payload, values.grant_id, values.user_code, values.uid, values.client_id, values.account_id, values.expires_at] as const;
      if (this.#batched) {
        const { sql, parameters } = upsertModel.bind(db, ...args);
        const row: PendingRow = { payload: values.payload, expiresAt: values.expires_at, consumedAt: null };
        const written = batch.write(sql, parameters, `${this.name}\0${storedId}`, () => row, values.payload, { upsert: args });
        // At the token endpoint, the answer waits for the commit instead of the provider (provider.ts).
        const ctx = SAVED_BEFORE_ANSWER.has(this.name) ? Provider.ctx : undefined;
        const saves = ctx?.oidc?.route === 'token' ? queuedSaves.get(ctx) : undefined;
        if (saves) {
          written.catch(() => undefined); // awaited, and reported, before the answer
          saves.push(written);
          return;
        }
        await written;
        return;
      }
      await upsertModel(db, ...args);
    }

    async find(id: string): Promise<AdapterPayload | undefined> {
      if (typeof id !== 'string' || id === '') return undefined;
      const payload = await this.#findBy('id', storedModelId(this.name, id));
      if (payload && payload.jti === null) payload.jti = id;
      return payload;
    }

    // Found by another key, the id is not known here: the payload comes back without its
    // `jti`. oidc-provider only reads such a Session (checkSessionBinding, interaction
    // details) and never saves it back; a DeviceCode (device flow, disabled) likewise.
    async findByUserCode(userCode: string): Promise<AdapterPayload | undefined> {
      return withoutBlankJti(await this.#findBy('user_code', userCode));
    }

    async findByUid(uid: string): Promise<AdapterPayload | undefined> {
      return withoutBlankJti(await this.#findBy('uid', uid));
    }

    async #findBy(column: 'id' | 'user_code' | 'uid', value: string): Promise<AdapterPayload | undefined> {
      if (typeof value !== 'string' || value === '') return undefined;
      const at = now();
      // A write still queued for the group commit is what this process sees (read your writes).
      const pending = this.#batched && column === 'id' ? batch.pending(`${this.name}\0${value}`) : undefined;
      if (pending?.payload !== undefined) {
        if (pending.expiresAt != null && pending.expiresAt <= at) return undefined;
        const payload = JSON.parse(pending.payload) as AdapterPayload;
        if (pending.consumedAt !== null) payload.consumed = pending.consumedAt;
        return payload;
      }
      let row: { payload: string; consumed_at: number | string | null } | undefined;
      const ctx = column === 'id' ? tokenRequest() : undefined;
      if (ctx && FOUND_WITH_GRANT.has(this.name)) {
        const found = await findTokenWithGrant(this.name, value, at);
        if (found?.grant_id) grantsRead.set(ctx, { id: found.grant_id, payload: found.grant_payload });
        row = found;
      } else if (ctx && this.name === 'Grant' && grantsRead.get(ctx)?.id === value) {
        const read = grantsRead.get(ctx)!;
        grantsRead.delete(ctx);
        return read.payload === null ? undefined : (JSON.parse(read.payload) as AdapterPayload);
      } else {
        [row] = (await findModelBy[column](db, this.name, value, at)).rows;
      }
      if (!row) return undefined;
      const payload = JSON.parse(row.payload) as AdapterPayload;
      const consumedAt = toNumber(row.consumed_at) ?? pending?.consumedAt ?? null;
      if (consumedAt !== null) payload.consumed = consumedAt;
      return payload;
    }

    /**
     * Marks the row consumed (keeps the first consumption time if consumed twice). The row
     * stays findable, with `consumed` set, until it expires: oidc-provider relies on that
     * to detect a reused authorization code or rotated refresh token and revoke the grant.
     */
    async consume(id: string): Promise<void> {
      const at = now();
      const storedId = storedModelId(this.name, id);
      let changed: number;
      if (this.#batched) {
        const { sql, parameters } = consumeModel.bind(db, at, this.name, storedId);
        const written = batch.write(sql, parameters, `${this.name}\0${storedId}`, (row) => (row ? (row.consumedAt === null ? { ...row, consumedAt: at } : row) : { consumedAt: at }), undefined, {
          consume: [this.name, storedId, at],
        });
        // At the token endpoint the provider goes on (its finds in this process already see the
        // row consumed); the answer waits for the outcome (provider.ts), and a consume that lost
        // turns it into invalid_grant, the grant revoked, before any token it names is sent.
        const ctx = SINGLE_USE_MODELS.has(this.name) ? tokenRequest() : undefined;
        const held = ctx ? queuedSaves.get(ctx) : undefined;
        if (held) {
          const outcome = written.then((count) => (count === 0 ? this.#refuseReuse(storedId) : count));
          outcome.catch(() => undefined); // awaited, and reported, before the answer
          held.push(outcome);
          return;
        }
        changed = await written;
      } else {
        changed = Number((await consumeModel(db, at, this.name, storedId)).numAffectedRows ?? 0);
      }
      if (changed === 0 && SINGLE_USE_MODELS.has(this.name)) await this.#refuseReuse(storedId);
    }

    /**
     * A code or refresh token that another request consumed between this one's find and its
     * consume (the conditional UPDATE changed nothing): refused like a replay, and the grant
     * revoked as oidc-provider does for one, so neither request's tokens outlive the reuse (the
     * winner's, saved after the delete, are removed by the sweeps that follow it).
     */
    async #refuseReuse(storedId: string): Promise<never> {
      const row = await db.selectFrom('oauth_models').select('grant_id').where('model', '=', this.name).where('id', '=', storedId).executeTakeFirst();
      if (row?.grant_id) {
        await this.#removeGrantBound(row.grant_id, { andGrant: true });
        this.#sweepLater(row.grant_id);
      }
      const InvalidGrant = errors.InvalidGrant!;
      throw new InvalidGrant(`${this.name === 'RefreshToken' ? 'refresh token' : 'authorization code'} already consumed`);
    }

    async destroy(id: string): Promise<void> {
      if (this.name === 'Grant') dropGrantRead();
      // A queued write of this row must not land after its removal.
      if (this.#batched) await batch.settled();
      const remove = (trx: Kysely<Database>) => trx.deleteFrom('oauth_models').where('model', '=', this.name).where('id', '=', storedModelId(this.name, id)).execute();
      const changes = changesOnRemoval(this.name, id);
      if (changes.length === 0) await remove(db);
      else await publishChanges(db, changes, remove);
    }

    /** Removes every grant-bound model (see {@link GRANT_BOUND_MODELS}) issued under the grant. */
    async revokeByGrantId(grantId: string): Promise<void> {
      const pending = revoking.get(grantId);
      if (pending) return pending;
      const run = (async () => {
        try {
          await this.#removeGrantBound(grantId);
        } finally {
          revoking.delete(grantId);
        }
      })();
      revoking.set(grantId, run);
      this.#sweepLater(grantId);
      return run;
    }

    /**
     * Deletes the grant's grant-bound rows (and, with `andGrant`, the Grant itself) in one
     * transaction that also publishes the change, once queued token writes have landed.
     * With `onlyIfGrantGone`, nothing is deleted while the Grant row exists: a grant kept after
     * a revocation (oidc-provider revokes a grant's tokens without destroying it, e.g. on a
     * refresh token's revocation) may issue new tokens that a later sweep must not take.
     */
    async #removeGrantBound(grantId: string, options: { andGrant?: boolean; onlyIfGrantGone?: boolean } = {}): Promise<void> {
      await batch.settled();
      await publishChanges(db, [{ kind: 'grant', key: grantId }], async (trx) => {
        let remove = trx.deleteFrom('oauth_models').where('grant_id', '=', grantId).where('model', 'in', GRANT_BOUND_MODELS);
        if (options.onlyIfGrantGone) {
          remove = remove.where(({ not, exists, selectFrom }) =>
            not(exists(selectFrom('oauth_models as g').select('g.id').where('g.model', '=', 'Grant').where('g.id', '=', grantId))),
          );
        }
        await remove.execute();
        if (options.andGrant) await trx.deleteFrom('oauth_models').where('model', '=', 'Grant').where('id', '=', grantId).execute();
      });
    }

    /**
     * A grant revoked while a request under it is still running (a replayed or raced code or
     * refresh token: oidc-provider revokes on the replay while the request that won saves its new
     * tokens a moment later, in this process or another) would keep those tokens: its
     * grant-bound rows are removed again after {@link REUSE_SWEEPS_MS}, if the Grant is gone by
     * then (a grant that was kept goes on issuing tokens of its own). Not a guarantee against an
     * arbitrarily slow request, but it closes the window of every run measured.
     */
    #sweepLater(grantId: string): void {
      for (const delay of REUSE_SWEEPS_MS) {
        setTimeout(() => void this.#removeGrantBound(grantId, { onlyIfGrantGone: true }).catch(() => undefined), delay).unref();
      }
    }
  };
}

/**
 * Deletes every row that has expired (expires_at <= now, epoch seconds), consumed or not,
 * and returns how many it deleted. Expired rows are already invisible to the adapter; this
 * only reclaims space. It deliberately keeps:
 *  - consumed rows that have not expired yet: oidc-provider needs them to recognise a
 *    replayed authorization code or refresh token (and then revokes the whole grant);
 *  - rows stored without an expiry (expiresIn undefined), which oidc-provider's own models
 *    never do except for a dynamically registered Client, which Larder does not use.
 * `larder tokens:purge` and the server's purge timer call this.
 */
export async function purgeExpired(db: Kysely<Database>, now: Date | number = new Date()): Promise<number> {
  const cutoff = typeof now === 'number' ? Math.floor(now) : epochSeconds(now);
  const result = await db
    .deleteFrom('oauth_models')
    .where('expires_at', 'is not', null)
    .where('expires_at', '<=', cutoff)
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}
