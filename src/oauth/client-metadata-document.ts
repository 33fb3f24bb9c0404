import type { IncomingHttpHeaders } from 'node:http';
import type { Selectable } from 'kysely';
import { errors } from 'oidc-provider';
import type { Db } from '../db/index.js';
import type { OAuthClientsTable } from '../db/schema.js';
import { LarderError } from '../errors.js';
import { MAX_CLIENT_ID_LENGTH, extendMetadataDocumentClient, findClientRow, saveMetadataDocumentClient, type OAuthClient } from './clients.js';
import { readableClientName } from './client-name.js';
import { validateClientRedirectUris } from './redirect-uris.js';
import { fetchPublicHttps, PublicFetchError, type PublicFetchOptions } from './safe-fetch.js';
import { DEFAULT_CLIENT_SCOPES, orderScopes, splitScopes, type Scope } from './scopes.js';

/**
 * OAuth Client ID Metadata Documents (draft-ietf-oauth-client-id-metadata-document, the
 * MCP spec's preferred registration): a client_id that is an https URL names a JSON
 * document, published by the client at that URL, which is its metadata. Larder fetches
 * it (SSRF-safe, safe-fetch.ts), checks it, and keeps a copy in `oauth_clients` for as
 * long as the response's caching headers allow (RFC 9111), so the consent page and
 * /account know the client's name and every instance shares the copy.
 *
 * The client is public (`none`, PKCE required): the draft forbids shared secrets for
 * these clients, and a document that offers `none` among others (ChatGPT's lists
 * `private_key_jwt` and `none`) is taken at its `none`. Larder's metadata does not list
 * `private_key_jwt`, so such clients authenticate with PKCE alone.
 */

type ClientRow = Selectable<OAuthClientsTable>;

/** Documents are small (ChatGPT's is about 600 bytes). */
export const METADATA_DOCUMENT_MAX_BYTES = 16 * 1024;
export const METADATA_DOCUMENT_TIMEOUT_MS = 3000;
/** Freshness when the response gives none (RFC 9111 section 4.2.2 lets a cache pick). */
export const DEFAULT_FRESHNESS_MS = 5 * 60 * 1000;
/** Longest a copy is trusted without asking again, whatever the headers say. */
export const MAX_FRESHNESS_MS = 24 * 60 * 60 * 1000;
/** A stale copy still serves when the host cannot be reached, for this long (RFC 5861 stale-if-error). */
export const STALE_IF_ERROR_MS = 24 * 60 * 60 * 1000;

/** A document that cannot be used; the description says what to fix. */
export class MetadataDocumentError extends LarderError {
  constructor(description: string) {
    super('invalid_client_metadata', 400, description);
    this.name = 'MetadataDocumentError';
  }
}

/**
 * Section 3 of the draft: an https URL with a path, no fragment, no user information and
 * no dot segments; Larder also caps its length (it is stored as the client id).
 */
export function isClientIdMetadataUrl(clientId: string): boolean {
  if (typeof clientId !== 'string' || clientId.length > MAX_CLIENT_ID_LENGTH || !/^https:\/\//.test(clientId)) return false;
  if ([...clientId].some((c) => c.charCodeAt(0) <= 0x20 || c === '\\' || c.charCodeAt(0) === 0x7f) || clientId.includes('#')) return false;
  const url = URL.parse(clientId);
  if (!url || url.protocol !== 'https:' || !url.hostname || url.username || url.password) return false;
  if (url.pathname === '/' || url.pathname === '') return false;
  const rawPath = clientId.slice('https://'.length).replace(/^[^/?]*/, '').split('?')[0] ?? '';
  return !rawPath.split('/').some((segment) => ['.', '..'].includes(segment.replace(/%2e/gi, '.')));
}

const SHARED_SECRET_METHODS = new Set(['client_secret_basic', 'client_secret_post', 'client_secret_jwt']);
const SUPPORTED_GRANTS = ['authorization_code', 'refresh_token'] as const;

export interface ParsedMetadataDocument {
  name: string;
  redirectUris: string[];
  grantTypes: OAuthClient['grantTypes'];
  scopes: Scope[];
}

/** Checks a fetched document against its URL (draft section 4.1) and Larder's rules. */
export function parseClientMetadataDocument(clientId: string, body: Buffer): ParsedMetadataDocument {
  let document: unknown;
  try {
    document = JSON.parse(body.toString('utf8'));
  } catch {
    throw new MetadataDocumentError(`The client metadata document at ${clientId} is not valid JSON.`);
  }
  if (!document || typeof document !== 'object' || Array.isArray(document)) throw new MetadataDocumentError(`The client metadata document at ${clientId} is not a JSON object.`);
  const metadata = document as Record<string, unknown>;
  // Section 4.1: the document names itself; a copy served elsewhere is not that client.
  if (metadata.client_id !== clientId) throw new MetadataDocumentError(`The client metadata document's client_id must be exactly its own URL, ${clientId}.`);
  if ('client_secret' in metadata || 'client_secret_expires_at' in metadata) throw new MetadataDocumentError('A client metadata document must not contain a client_secret.');
  const method = metadata.token_endpoint_auth_method;
  const offered = Array.isArray(metadata.token_endpoint_auth_methods_supported) ? metadata.token_endpoint_auth_methods_supported : [];
  if (typeof method === 'string' && SHARED_SECRET_METHODS.has(method)) {
    throw new MetadataDocumentError(`A client metadata document must not use ${method}: there is no secret to share; use "none" with PKCE.`);
  }
  // RFC 7591's default (client_secret_basic) cannot apply to a document, so an absent method means none.
  if (method !== undefined && method !== 'none' && !offered.includes('none')) {
    throw new MetadataDocumentError(`Larder signs in metadata-document clients as public clients ("none" with PKCE); this document offers only ${String(method)}.`);
  }
  const { redirectUris } = validateClientRedirectUris(metadata.redirect_uris);
  if (metadata.response_types !== undefined && !(Array.isArray(metadata.response_types) && metadata.response_types.includes('code'))) {
    throw new MetadataDocumentError('Larder supports only the authorization code flow: response_types must include "code".');
  }
  let grantTypes: OAuthClient['grantTypes'] = [...SUPPORTED_GRANTS];
  if (metadata.grant_types !== undefined) {
    if (!Array.isArray(metadata.grant_types)) throw new MetadataDocumentError('grant_types must be an array.');
    // Like any cache of someone else's metadata, keep what Larder supports (VS Code lists device_code too).
    grantTypes = SUPPORTED_GRANTS.filter((grant) => (metadata.grant_types as unknown[]).includes(grant));
    if (!grantTypes.includes('authorization_code')) throw new MetadataDocumentError('grant_types must include "authorization_code".');
  }
  const requested = typeof metadata.scope === 'string' ? orderScopes(splitScopes(metadata.scope)) : [];
  return {
    name: readableClientName(metadata.client_name, new URL(clientId).host),
    redirectUris,
    grantTypes,
    scopes: requested.length > 0 ? requested : DEFAULT_CLIENT_SCOPES,
  };
}

function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value.join(', ') : value;
}

/**
 * How long a response stays fresh (RFC 9111 section 4.2.1): `no-store`/`no-cache` mean
 * not at all, then s-maxage, max-age (less the Age it already has), Expires against Date;
 * with none of these, a few minutes. Never longer than a day.
 */
export function freshnessLifetimeMs(headers: IncomingHttpHeaders, now = new Date()): number {
  const cacheControl = (header(headers, 'cache-control') ?? '').toLowerCase();
  const directives = new Map(
    cacheControl
      .split(',')
      .map((part) => part.trim().split('='))
      .filter(([name]) => name)
      .map(([name, value]) => [name!.trim(), value?.trim().replace(/^"|"$/g, '')]),
  );
  if (directives.has('no-store') || directives.has('no-cache')) return 0;
  const age = Math.max(0, Number(header(headers, 'age') ?? 0) || 0) * 1000;
  const seconds = directives.get('s-maxage') ?? directives.get('max-age');
  let lifetime: number;
  if (seconds !== undefined && /^\d+$/.test(seconds)) lifetime = Number(seconds) * 1000 - age;
  else {
    const expires = Date.parse(header(headers, 'expires') ?? '');
    const date = Date.parse(header(headers, 'date') ?? '') || now.getTime();
    lifetime = Number.isNaN(expires) ? DEFAULT_FRESHNESS_MS : expires - date;
  }
  return Math.min(MAX_FRESHNESS_MS, Math.max(0, lifetime));
}

export interface MetadataDocumentResolverOptions {
  db: Db;
  /** LARDER_CIMD_ALLOW_LOOPBACK (tests only; refused in production). */
  allowLoopback: boolean;
  /** For tests of the resolver itself: a resolver or trusted certificates. */
  fetchOptions?: Pick<PublicFetchOptions, 'lookup' | 'ca'>;
  log?: { warn(object: unknown, message: string): void };
  now?: () => Date;
}

/** An oidc-provider error, so the person sees what is wrong and the token endpoint answers invalid_client. */
function invalidClient(description: string): Error {
  return new errors.InvalidClient!(description);
}

/**
 * Returns `resolve(clientId)`: the stored copy when fresh; otherwise fetches (or
 * revalidates with If-None-Match) and stores the document. Concurrent requests for one
 * document share one fetch. Throws oidc-provider's InvalidClient with the reason.
 */
export function createMetadataDocumentResolver(options: MetadataDocumentResolverOptions): (clientId: string) => Promise<ClientRow> {
  const { db, allowLoopback } = options;
  const now = options.now ?? (() => new Date());
  const pending = new Map<string, Promise<ClientRow>>();

  const refresh = async (clientId: string, stored: ClientRow | undefined): Promise<ClientRow> => {
    const started = now();
    let response;
    try {
      response = await fetchPublicHttps(clientId, {
        allowLoopback,
        ...options.fetchOptions,
        timeoutMs: METADATA_DOCUMENT_TIMEOUT_MS,
        maxBytes: METADATA_DOCUMENT_MAX_BYTES,
        accept: 'application/json',
        headers: stored?.metadata_etag ? { 'if-none-match': stored.metadata_etag } : {},
      });
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      if (error instanceof PublicFetchError && error.code === 'forbidden_address') throw invalidClient(`Larder does not fetch client metadata from ${new URL(clientId).host}: ${reason}`);
      return staleOrFail(clientId, stored, started, `Could not fetch the client metadata document at ${clientId}: ${reason}`);
    }
    if (response.status === 304 && stored) {
      const expiresAt = new Date(started.getTime() + freshnessLifetimeMs(response.headers, started));
      await extendMetadataDocumentClient(db, clientId, expiresAt, header(response.headers, 'etag'));
      return { ...stored, metadata_expires_at: expiresAt.toISOString() };
    }
    if (response.status >= 500) return staleOrFail(clientId, stored, started, `The client metadata document at ${clientId} answered HTTP ${response.status}.`);
    // Draft section 4: 200 with the document; redirects are not followed.
    if (response.status !== 200) throw invalidClient(`The client metadata document at ${clientId} answered HTTP ${response.status}, not 200 with the document.`);
    const type = header(response.headers, 'content-type') ?? '';
    if (!/^application\/([a-z0-9.+-]*\+)?json\b/i.test(type)) throw invalidClient(`The client metadata document at ${clientId} must be served as application/json, not "${type.slice(0, 80)}".`);
    let parsed: ParsedMetadataDocument;
    try {
      parsed = parseClientMetadataDocument(clientId, response.body);
    } catch (error) {
      throw invalidClient(error instanceof Error ? error.message : String(error));
    }
    const expiresAt = new Date(started.getTime() + freshnessLifetimeMs(response.headers, started));
    return saveMetadataDocumentClient(db, { clientId, ...parsed, expiresAt, etag: header(response.headers, 'etag') }, started);
  };

  const staleOrFail = (clientId: string, stored: ClientRow | undefined, at: Date, reason: string): ClientRow => {
    const expiredAt = stored?.metadata_expires_at ? Date.parse(stored.metadata_expires_at) : Number.NaN;
    if (stored && at.getTime() - expiredAt < STALE_IF_ERROR_MS) {
      options.log?.warn({ clientId }, `${reason} Using the stored copy.`);
      return stored;
    }
    throw invalidClient(reason);
  };

  return async (clientId: string) => {
    const stored = await findClientRow(db, clientId);
    if (stored && stored.registration !== 'metadata_document') throw invalidClient(`The client id ${clientId} is not a metadata document URL.`);
    if (stored?.metadata_expires_at && Date.parse(stored.metadata_expires_at) > now().getTime()) return stored;
    let request = pending.get(clientId);
    if (!request) {
      request = refresh(clientId, stored).finally(() => pending.delete(clientId));
      pending.set(clientId, request);
    }
    return request;
  };
}
