import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Insertable, Selectable } from 'kysely';
import { changeFeedFor, publishChanges } from '../changes/feed.js';
import { SharedCache } from '../changes/shared-cache.js';
import type { Db } from '../db/index.js';
import type { OAuthClientsTable } from '../db/schema.js';
import { InvalidRequestError, NotFoundError } from '../errors.js';
import type { AdapterPayload, OidcAdapter } from './adapter.js';
import { redirectUriKind } from './redirect-uris.js';
import { DEFAULT_CLIENT_SCOPES, LARDER_SCOPES, isScope, orderScopes, splitScopes, type Scope } from './scopes.js';
import { settleTokenWrites } from './token-writes.js';

/**
 * OAuth clients live in Larder's own `oauth_clients` table, not in oidc-provider's
 * storage: the operator manages them with `larder clients:*`, and only a hash of each
 * secret is kept. oidc-provider reads them through {@link createClientsAdapter}.
 */
export interface OAuthClient {
  clientId: string;
  name: string;
  redirectUris: string[];
  /** What the client may ask for; an empty `scope=` means all of these. */
  scopes: Scope[];
  isPublic: boolean;
  grantTypes: Array<'authorization_code' | 'refresh_token'>;
  /**
   * Who registered it: the operator (`larder clients:create`), the client itself
   * (RFC 7591, unverified), or nobody: its id is the URL of the metadata document it
   * publishes (so its host vouches for it).
   */
  registration: ClientRegistration;
  /** RFC 7591 section 2 `token_endpoint_auth_method`. */
  authMethod: ClientAuthMethod;
  createdAt: string;
  updatedAt: string;
  /** When it last obtained tokens (self-registered and metadata-document clients only). */
  lastUsedAt: string | undefined;
}

export type ClientRegistration = 'operator' | 'self' | 'metadata_document';
export type ClientAuthMethod = 'client_secret_basic' | 'client_secret_post' | 'none';

/** Self-registered and metadata-document clients unused this long are pruned (with their grants). */
export const IDLE_CLIENT_LIFETIME_MS = 30 * 24 * 60 * 60 * 1000;

/** Longest client_id accepted: generated ids are 25 characters, metadata document URLs up to this. */
export const MAX_CLIENT_ID_LENGTH = 255;

export interface ClientWithSecret {
  client: OAuthClient;
  /** Shown once, never stored; undefined for public clients. */
  clientSecret: string | undefined;
}

type ClientRow = Selectable<OAuthClientsTable>;

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

/**
 * A redirect URI a client may register: absolute https, or http only on this machine
 * (RFC 8252 section 8.3); no fragment (RFC 6749 section 3.1.2). Returns it unchanged,
 * since it is compared exactly, byte for byte.
 */
export function validateRedirectUri(uri: string): string {
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    throw new InvalidRequestError(`"${uri}" is not an absolute URL; a redirect URI looks like https://chat.openai.com/aip/g-…/oauth/callback.`);
  }
  if (url.hash || uri.includes('#')) throw new InvalidRequestError(`The redirect URI "${uri}" must not contain a fragment (#).`);
  if (url.protocol === 'https:') return uri;
  if (url.protocol === 'http:' && LOOPBACK_HOSTS.has(url.hostname)) return uri;
  throw new InvalidRequestError(`The redirect URI "${uri}" must use https (http is allowed only for localhost).`);
}

export function validateScopes(scopes: string[]): Scope[] {
  const unknown = scopes.filter((s) => !isScope(s));
  if (unknown.length > 0) throw new InvalidRequestError(`Unknown scope ${unknown.map((s) => `"${s}"`).join(', ')}; Larder's scopes are ${LARDER_SCOPES.join(', ')}.`);
  if (scopes.length === 0) throw new InvalidRequestError('A client needs at least one scope.');
  return orderScopes(scopes);
}

function validateName(name: string): string {
  const trimmed = name.trim();
  if (!trimmed) throw new InvalidRequestError('A client needs a name (people see it on the consent page).');
  if (trimmed.length > 200) throw new InvalidRequestError('A client name is at most 200 characters.');
  return trimmed;
}

function validateRedirectUris(uris: string[]): string[] {
  if (uris.length === 0) throw new InvalidRequestError('A client needs at least one redirect URI.');
  return [...new Set(uris.map(validateRedirectUri))];
}

/** 256 bits of randomness: enough that a fast hash (SHA-256) is as good as a slow one. */
function newSecret(): string {
  return randomBytes(32).toString('base64url');
}

function hashSecret(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

/** Constant-time comparison of a presented secret with the stored hash. */
export function secretMatchesHash(secret: string, storedHash: string | null | undefined): boolean {
  if (typeof secret !== 'string' || !storedHash) return false;
  const presented = Buffer.from(hashSecret(secret), 'hex');
  const stored = Buffer.from(storedHash, 'hex');
  return presented.length === stored.length && timingSafeEqual(presented, stored);
}

function authMethodOf(row: ClientRow): ClientAuthMethod {
  if (Number(row.is_public) === 1) return 'none';
  return row.token_endpoint_auth_method === 'client_secret_post' ? 'client_secret_post' : 'client_secret_basic';
}

function toClient(row: ClientRow): OAuthClient {
  return {
    clientId: row.client_id,
    name: row.name,
    redirectUris: JSON.parse(row.redirect_uris) as string[],
    scopes: orderScopes(splitScopes(row.scopes)),
    isPublic: Number(row.is_public) === 1,
    grantTypes: splitScopes(row.grant_types) as OAuthClient['grantTypes'],
    registration: row.registration ?? 'operator',
    authMethod: authMethodOf(row),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    lastUsedAt: row.last_used_at ?? undefined,
  };
}

/** The stored row of a client (metadata-document clients: the cached copy, fresh or not). */
export async function findClientRow(db: Db, clientId: string): Promise<ClientRow | undefined> {
  if (typeof clientId !== 'string' || clientId === '' || clientId.length > MAX_CLIENT_ID_LENGTH) return undefined;
  return db.selectFrom('oauth_clients').selectAll().where('client_id', '=', clientId).executeTakeFirst();
}

const findRow = findClientRow;

export interface CreateClientInput {
  name: string;
  redirectUris: string[];
  scopes?: string[];
  isPublic?: boolean;
  /** Defaults to both authorization_code and refresh_token. */
  refreshTokens?: boolean;
}

/**
 * Registers a client. Confidential by default (a secret, sent in the body or with HTTP
 * Basic); `isPublic` clients authenticate with nothing and must use PKCE.
 */
export async function createClient(db: Db, input: CreateClientInput): Promise<ClientWithSecret> {
  const name = validateName(input.name);
  const redirectUris = validateRedirectUris(input.redirectUris);
  const scopes = validateScopes(input.scopes && input.scopes.length > 0 ? input.scopes : DEFAULT_CLIENT_SCOPES);
  const isPublic = input.isPublic ?? false;
  const clientSecret = isPublic ? undefined : newSecret();
  const now = new Date().toISOString();
  const row: Insertable<OAuthClientsTable> & ClientRow = {
    client_id: newClientId(),
    name,
    secret_hash: clientSecret === undefined ? null : hashSecret(clientSecret),
    redirect_uris: JSON.stringify(redirectUris),
    scopes: scopes.join(' '),
    is_public: isPublic ? 1 : 0,
    grant_types: input.refreshTokens === false ? 'authorization_code' : 'authorization_code refresh_token',
    created_at: now,
    updated_at: now,
    registration: 'operator',
    token_endpoint_auth_method: null,
    last_used_at: null,
    metadata_expires_at: null,
    metadata_etag: null,
  };
  await db.insertInto('oauth_clients').values(row).execute();
  return { client: toClient(row), clientSecret };
}

function newClientId(): string {
  return `lc_${randomBytes(16).toString('base64url')}`;
}

export interface SelfRegisteredClientInput {
  /** Already checked by the registration endpoint: trimmed, at most 200 characters. */
  name: string;
  /** Already checked (redirect-uris.ts). */
  redirectUris: string[];
  /** The default when an authorization request names none. */
  scopes: Scope[];
  authMethod: ClientAuthMethod;
  grantTypes: OAuthClient['grantTypes'];
}

/**
 * Stores a client that registered itself (RFC 7591). Confidential ones get a secret,
 * shown once in the registration response and kept only as a hash, like the operator's.
 */
export async function createSelfRegisteredClient(db: Db, input: SelfRegisteredClientInput, now = new Date()): Promise<ClientWithSecret> {
  const clientSecret = input.authMethod === 'none' ? undefined : newSecret();
  const at = now.toISOString();
  const row: Insertable<OAuthClientsTable> & ClientRow = {
    client_id: newClientId(),
    name: input.name,
    secret_hash: clientSecret === undefined ? null : hashSecret(clientSecret),
    redirect_uris: JSON.stringify(input.redirectUris),
    scopes: input.scopes.join(' '),
    is_public: input.authMethod === 'none' ? 1 : 0,
    grant_types: input.grantTypes.join(' '),
    created_at: at,
    updated_at: at,
    registration: 'self',
    token_endpoint_auth_method: input.authMethod,
    // Registering counts as a use: an abandoned registration is pruned 30 days later.
    last_used_at: at,
    metadata_expires_at: null,
    metadata_etag: null,
  };
  await db.insertInto('oauth_clients').values(row).execute();
  return { client: toClient(row), clientSecret };
}

export interface MetadataDocumentClientInput {
  /** The document's URL. */
  clientId: string;
  name: string;
  redirectUris: string[];
  scopes: Scope[];
  grantTypes: OAuthClient['grantTypes'];
  /** Until when the copy is fresh (RFC 9111 section 4.2). */
  expiresAt: Date;
  etag: string | undefined;
}

/** Stores (or replaces) the copy of a client's metadata document; the client is public. */
export async function saveMetadataDocumentClient(db: Db, input: MetadataDocumentClientInput, now = new Date()): Promise<ClientRow> {
  const at = now.toISOString();
  const values = {
    name: input.name,
    secret_hash: null,
    redirect_uris: JSON.stringify(input.redirectUris),
    scopes: input.scopes.join(' '),
    is_public: 1,
    grant_types: input.grantTypes.join(' '),
    updated_at: at,
    token_endpoint_auth_method: 'none',
    metadata_expires_at: input.expiresAt.toISOString(),
    metadata_etag: input.etag ?? null,
  };
  // A replaced document drops the copies other instances hold (scopes, redirect URIs).
  await publishChanges(db, [{ kind: 'client', key: input.clientId }], (trx) =>
    trx
      .insertInto('oauth_clients')
      .values({ client_id: input.clientId, ...values, created_at: at, registration: 'metadata_document', last_used_at: at })
      .onConflict((oc) => oc.column('client_id').doUpdateSet(values))
      .execute(),
  );
  const row = await findRow(db, input.clientId);
  if (!row) throw new Error(`the metadata document client ${input.clientId} was not stored`);
  return row;
}

/** A revalidated copy (HTTP 304) is fresh again without changing. */
export async function extendMetadataDocumentClient(db: Db, clientId: string, expiresAt: Date, etag: string | undefined): Promise<void> {
  await db
    .updateTable('oauth_clients')
    .set({ metadata_expires_at: expiresAt.toISOString(), ...(etag ? { metadata_etag: etag } : {}) })
    .where('client_id', '=', clientId)
    .where('registration', '=', 'metadata_document')
    .execute();
}

/** How long between two last-used stamps of one client: tokens are refreshed hourly at most. */
const TOUCH_INTERVAL_MS = 60 * 60 * 1000;

/** When this process last stamped each client (touchClient), per database; bounded. */
const touchedAt = new WeakMap<Db, Map<string, number>>();
const MAX_TOUCHED_REMEMBERED = 10_000;

/**
 * Records that a self-registered or metadata-document client obtained tokens, so it is
 * not pruned. Writes at most once an hour per client.
 */
export async function touchClient(db: Db, clientId: string, now = new Date()): Promise<void> {
  if (typeof clientId !== 'string' || clientId.length > MAX_CLIENT_ID_LENGTH) return;
  // This process ran the UPDATE for the client less than an interval ago: the row was then
  // stamped within the interval before (by it or by another process), so the stamp lags by
  // at most two intervals (2 h against the 30-day prune) and one statement a token request
  // is saved.
  let stamped = touchedAt.get(db);
  if (!stamped) touchedAt.set(db, (stamped = new Map()));
  const last = stamped.get(clientId);
  if (last !== undefined && last > now.getTime() - TOUCH_INTERVAL_MS && last <= now.getTime()) return;
  const stale = new Date(now.getTime() - TOUCH_INTERVAL_MS).toISOString();
  await db
    .updateTable('oauth_clients')
    .set({ last_used_at: now.toISOString() })
    .where('client_id', '=', clientId)
    .where('registration', '!=', 'operator')
    .where((eb) => eb.or([eb('last_used_at', 'is', null), eb('last_used_at', '<', stale)]))
    .execute();
  if (stamped.size >= MAX_TOUCHED_REMEMBERED) stamped.clear();
  stamped.set(clientId, now.getTime());
}

/**
 * Deletes self-registered and metadata-document clients unused for 30 days, with every
 * grant and token issued to them (a pruned client then gets `invalid_client`, and MCP
 * clients register again). Operator clients are never pruned. Returns how many went.
 */
export async function pruneIdleClients(db: Db, now = new Date()): Promise<number> {
  const cutoff = new Date(now.getTime() - IDLE_CLIENT_LIFETIME_MS).toISOString();
  const idle = await db
    .selectFrom('oauth_clients')
    .select('client_id')
    .where('registration', '!=', 'operator')
    .where((eb) => eb.or([eb('last_used_at', '<', cutoff), eb.and([eb('last_used_at', 'is', null), eb('created_at', '<', cutoff)])]))
    .execute();
  let pruned = 0;
  for (const { client_id: clientId } of idle) if (await deleteClient(db, clientId)) pruned++;
  return pruned;
}

/** The clients with these ids (unknown ids are left out). */
export async function findClients(db: Db, clientIds: string[]): Promise<Map<string, OAuthClient>> {
  const ids = [...new Set(clientIds.filter((id) => typeof id === 'string' && id !== '' && id.length <= MAX_CLIENT_ID_LENGTH))];
  if (ids.length === 0) return new Map();
  const rows = await db.selectFrom('oauth_clients').selectAll().where('client_id', 'in', ids).execute();
  return new Map(rows.map((row) => [row.client_id, toClient(row)]));
}

export interface UpdateClientInput {
  name?: string;
  /** Replaces every redirect URI. */
  redirectUris?: string[];
  /** Added to the (possibly replaced) list. */
  addRedirectUris?: string[];
  scopes?: string[];
}

export async function updateClient(db: Db, clientId: string, input: UpdateClientInput): Promise<OAuthClient> {
  const row = await findRow(db, clientId);
  if (!row) throw new NotFoundError(`No client has the id "${clientId}".`);
  const current = toClient(row);
  const base = input.redirectUris && input.redirectUris.length > 0 ? input.redirectUris : current.redirectUris;
  const redirectUris = validateRedirectUris([...base, ...(input.addRedirectUris ?? [])]);
  const changes = {
    name: input.name !== undefined ? validateName(input.name) : current.name,
    redirect_uris: JSON.stringify(redirectUris),
    scopes: (input.scopes && input.scopes.length > 0 ? validateScopes(input.scopes) : current.scopes).join(' '),
    updated_at: new Date().toISOString(),
  };
  await publishChanges(db, [{ kind: 'client', key: clientId }], (trx) => trx.updateTable('oauth_clients').set(changes).where('client_id', '=', clientId).execute());
  return toClient({ ...row, ...changes });
}

export async function findClient(db: Db, clientId: string): Promise<OAuthClient | undefined> {
  const row = await findRow(db, clientId);
  return row ? toClient(row) : undefined;
}

/** Every client, or only those registered one way (the operator's, for `clients:list`). */
export async function listClients(db: Db, options: { registration?: ClientRegistration } = {}): Promise<OAuthClient[]> {
  let query = db.selectFrom('oauth_clients').selectAll();
  if (options.registration) query = query.where('registration', '=', options.registration);
  const rows = await query.orderBy('created_at').orderBy('client_id').execute();
  return rows.map(toClient);
}

/** True when `secret` is the client's current secret (constant time). */
export async function verifyClientSecret(db: Db, clientId: string, secret: string): Promise<boolean> {
  const row = await findRow(db, clientId);
  return secretMatchesHash(secret, row?.secret_hash);
}

/** A new secret for a confidential client; the old one stops working (within a second on every instance). Tokens already issued stay valid. */
export async function rotateClientSecret(db: Db, clientId: string): Promise<ClientWithSecret> {
  const row = await findRow(db, clientId);
  if (!row) throw new NotFoundError(`No client has the id "${clientId}".`);
  if (Number(row.is_public) === 1) throw new InvalidRequestError(`The client "${clientId}" is public: it has no secret to rotate.`);
  const clientSecret = newSecret();
  const updatedAt = new Date().toISOString();
  await publishChanges(db, [{ kind: 'client', key: clientId }], (trx) =>
    trx.updateTable('oauth_clients').set({ secret_hash: hashSecret(clientSecret), updated_at: updatedAt }).where('client_id', '=', clientId).execute(),
  );
  return { client: toClient({ ...row, updated_at: updatedAt }), clientSecret };
}

/** Deletes the client and everything issued to it: grants, codes, access and refresh tokens. */
export async function deleteClient(db: Db, clientId: string): Promise<boolean> {
  const row = await findRow(db, clientId);
  if (!row) return false;
  // A token write queued before the delete must not land after it.
  await settleTokenWrites(db);
  await publishChanges(db, [{ kind: 'client', key: clientId }], async (trx) => {
    await trx.deleteFrom('oauth_models').where('client_id', '=', clientId).execute();
    await trx.deleteFrom('oauth_clients').where('client_id', '=', clientId).execute();
  });
  return true;
}

/**
 * The client as oidc-provider metadata (RFC 7591 names). `client_secret` carries the
 * *hash*: the provider's compareClientSecret is replaced to hash what it is given
 * (see provider.ts), so the plain secret never exists on the server.
 */
export function clientMetadata(row: ClientRow): AdapterPayload {
  const client = clientOfRow(row);
  // RFC 8252 section 7.3: oidc-provider matches loopback redirect URIs on any port for
  // native clients only; apps that pick a free port at sign-in (VS Code) need that.
  // Operator clients stay web clients, matched exactly, as they always were.
  const native = client.registration !== 'operator' && client.redirectUris.some((uri) => redirectUriKind(uri) !== 'web');
  return {
    client_id: client.clientId,
    client_name: client.name,
    ...(client.isPublic ? {} : { client_secret: row.secret_hash ?? '' }),
    redirect_uris: [...client.redirectUris],
    grant_types: [...client.grantTypes],
    response_types: ['code'],
    token_endpoint_auth_method: client.authMethod,
    ...(native ? { application_type: 'native' } : {}),
  };
}

/** Longest a client's registration is reused by the token endpoint without reading it again. */
export const CACHED_CLIENT_TTL_MS = 60_000;
const clientCaches = new WeakMap<Db, SharedCache<ClientRow>>();

/**
 * A client's row for the token and authorization endpoints, which read it twice a request
 * (oidc-provider's Client.find, then the resource server's scopes): from a cache, one per
 * database in this process, that drops a client when it changes (update, new secret,
 * deletion) through the change feed, at once here and within a second elsewhere.
 */
async function findRowCached(db: Db, clientId: string): Promise<ClientRow | undefined> {
  let cache = clientCaches.get(db);
  if (!cache) {
    cache = new SharedCache<ClientRow>({ feed: changeFeedFor(db), ttlMs: CACHED_CLIENT_TTL_MS, capacity: 10_000, tagsOf: (row) => [`client:${row.client_id}`] });
    clientCaches.set(db, cache);
  }
  return cache.load(clientId, () => findRow(db, clientId));
}

/**
 * The client of a row the cache holds, made once per row: the token endpoint asks for it
 * three times a request (the provider's metadata, the default resource, the resource
 * server's scopes). A changed client is a new row (the cache drops the old one), so a
 * copy never outlives its row. Frozen: every caller shares it.
 */
const clientsOfRows = new WeakMap<ClientRow, Readonly<OAuthClient>>();
function clientOfRow(row: ClientRow): Readonly<OAuthClient> {
  let client = clientsOfRows.get(row);
  if (!client) {
    const made = toClient(row);
    Object.freeze(made.redirectUris);
    Object.freeze(made.scopes);
    Object.freeze(made.grantTypes);
    clientsOfRows.set(row, (client = Object.freeze(made)));
  }
  return client;
}

/** findClient through the cache of findRowCached: for the OAuth endpoints' hot path (a shared, frozen copy). */
export async function findClientCached(db: Db, clientId: string): Promise<Readonly<OAuthClient> | undefined> {
  const row = await findRowCached(db, clientId);
  return row ? clientOfRow(row) : undefined;
}

/**
 * oidc-provider's `Client.find` with its Client instances kept per cached row: oidc-provider
 * itself, for a client its adapter finds, hashes the adapter's answer (SHA-256 of its JSON)
 * on every call to find the instance it made for it (about 18 µs a token request). The
 * adapter's answer is made from the row alone, so the same row means the same instance; a
 * changed client is a new row (the cache drops the old one through the change feed).
 * Metadata-document clients are found as before.
 */
export function keepClientInstances(Client: { find(id: string): Promise<unknown> }, db: Db, isMetadataDocumentUrl: (id: string) => boolean): void {
  const find = Client.find.bind(Client);
  const instances = new WeakMap<ClientRow, object>();
  Client.find = async (id: string) => {
    if (typeof id !== 'string' || id === '' || isMetadataDocumentUrl(id)) return find(id);
    const row = await findRowCached(db, id);
    const known = row && instances.get(row);
    if (known) return known;
    const client = await find(id);
    // Kept only if the row it was made from is still the cached one.
    if (row && client && typeof client === 'object' && (await findRowCached(db, id)) === row) instances.set(row, client);
    return client;
  };
}

export interface ClientsAdapterOptions {
  /**
   * Resolves a client_id that is a metadata document URL (client-metadata-document.ts):
   * the fresh stored copy, or a new fetch. Without it such ids are unknown.
   */
  resolveMetadataDocument?: (clientId: string) => Promise<ClientRow | undefined>;
  isMetadataDocumentUrl?: (clientId: string) => boolean;
}

/** oidc-provider's adapter for model "Client": reads only; clients change through this module. */
export function createClientsAdapter(db: Db, options: ClientsAdapterOptions = {}): OidcAdapter {
  const readOnly = async (): Promise<void> => {
    throw new Error('Clients are managed with `larder clients:*`, not through oidc-provider.');
  };
  return {
    async find(id) {
      if (options.resolveMetadataDocument && options.isMetadataDocumentUrl?.(id)) {
        const row = await options.resolveMetadataDocument(id);
        return row ? clientMetadata(row) : undefined;
      }
      const row = await findRowCached(db, id);
      // A URL-shaped id is only ever a metadata document client, never a stored one.
      if (row?.registration === 'metadata_document') return undefined;
      return row ? clientMetadata(row) : undefined;
    },
    findByUid: async () => undefined,
    findByUserCode: async () => undefined,
    upsert: readOnly,
    consume: readOnly,
    destroy: readOnly,
    revokeByGrantId: async () => undefined,
  };
}
