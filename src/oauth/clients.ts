import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Db } from '../db/index.js';
import type { OAuthClientsTable } from '../db/schema.js';
import { InvalidRequestError, NotFoundError } from '../errors.js';
import type { AdapterPayload, OidcAdapter } from './adapter.js';
import { DEFAULT_CLIENT_SCOPES, LARDER_SCOPES, isScope, orderScopes, splitScopes, type Scope } from './scopes.js';

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
  createdAt: string;
  updatedAt: string;
}

export interface ClientWithSecret {
  client: OAuthClient;
  /** Shown once, never stored; undefined for public clients. */
  clientSecret: string | undefined;
}

type ClientRow = OAuthClientsTable;

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

function toClient(row: ClientRow): OAuthClient {
  return {
    clientId: row.client_id,
    name: row.name,
    redirectUris: JSON.parse(row.redirect_uris) as string[],
    scopes: orderScopes(splitScopes(row.scopes)),
    isPublic: Number(row.is_public) === 1,
    grantTypes: splitScopes(row.grant_types) as OAuthClient['grantTypes'],
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

async function findRow(db: Db, clientId: string): Promise<ClientRow | undefined> {
  if (typeof clientId !== 'string' || clientId === '' || clientId.length > 64) return undefined;
  return db.selectFrom('oauth_clients').selectAll().where('client_id', '=', clientId).executeTakeFirst();
}

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
  const row: ClientRow = {
    client_id: `lc_${randomBytes(16).toString('base64url')}`,
    name,
    secret_hash: clientSecret === undefined ? null : hashSecret(clientSecret),
    redirect_uris: JSON.stringify(redirectUris),
    scopes: scopes.join(' '),
    is_public: isPublic ? 1 : 0,
    grant_types: input.refreshTokens === false ? 'authorization_code' : 'authorization_code refresh_token',
    created_at: now,
    updated_at: now,
  };
  await db.insertInto('oauth_clients').values(row).execute();
  return { client: toClient(row), clientSecret };
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
  await db.updateTable('oauth_clients').set(changes).where('client_id', '=', clientId).execute();
  return toClient({ ...row, ...changes });
}

export async function findClient(db: Db, clientId: string): Promise<OAuthClient | undefined> {
  const row = await findRow(db, clientId);
  return row ? toClient(row) : undefined;
}

export async function listClients(db: Db): Promise<OAuthClient[]> {
  const rows = await db.selectFrom('oauth_clients').selectAll().orderBy('created_at').orderBy('client_id').execute();
  return rows.map(toClient);
}

/** True when `secret` is the client's current secret (constant time). */
export async function verifyClientSecret(db: Db, clientId: string, secret: string): Promise<boolean> {
  const row = await findRow(db, clientId);
  return secretMatchesHash(secret, row?.secret_hash);
}

/** A new secret for a confidential client; the old one stops working at once. Tokens already issued stay valid. */
export async function rotateClientSecret(db: Db, clientId: string): Promise<ClientWithSecret> {
  const row = await findRow(db, clientId);
  if (!row) throw new NotFoundError(`No client has the id "${clientId}".`);
  if (Number(row.is_public) === 1) throw new InvalidRequestError(`The client "${clientId}" is public: it has no secret to rotate.`);
  const clientSecret = newSecret();
  const updatedAt = new Date().toISOString();
  await db.updateTable('oauth_clients').set({ secret_hash: hashSecret(clientSecret), updated_at: updatedAt }).where('client_id', '=', clientId).execute();
  return { client: toClient({ ...row, updated_at: updatedAt }), clientSecret };
}

/** Deletes the client and everything issued to it: grants, codes, access and refresh tokens. */
export async function deleteClient(db: Db, clientId: string): Promise<boolean> {
  const row = await findRow(db, clientId);
  if (!row) return false;
  await db.transaction().execute(async (trx) => {
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
  const client = toClient(row);
  return {
    client_id: client.clientId,
    client_name: client.name,
    ...(client.isPublic ? {} : { client_secret: row.secret_hash ?? '' }),
    redirect_uris: client.redirectUris,
    grant_types: client.grantTypes,
    response_types: ['code'],
    token_endpoint_auth_method: client.isPublic ? 'none' : 'client_secret_basic',
  };
}

/** oidc-provider's adapter for model "Client": reads only; clients change through this module. */
export function createClientsAdapter(db: Db): OidcAdapter {
  const readOnly = async (): Promise<void> => {
    throw new Error('Clients are managed with `larder clients:*`, not through oidc-provider.');
  };
  return {
    async find(id) {
      const row = await findRow(db, id);
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
