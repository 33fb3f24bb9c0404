import type { FastifyInstance } from 'fastify';
import type { Db } from '../db/index.js';
import { LarderError } from '../errors.js';
import { readableClientName } from './client-name.js';
import { createSelfRegisteredClient, type ClientAuthMethod, type OAuthClient, type SelfRegisteredClientInput } from './clients.js';
import { OAUTH_ROUTES } from './provider.js';
import { validateClientRedirectUris } from './redirect-uris.js';
import { DEFAULT_CLIENT_SCOPES, orderScopes, splitScopes } from './scopes.js';

/**
 * OAuth 2.0 Dynamic Client Registration (RFC 7591) at /oauth/register, the way MCP
 * clients that know nothing of Larder sign up: open (no initial access token, section
 * 3), rate-limited per address (src/limits: LIMITS.clientRegistration, counted before this
 * route runs), every client unverified (the consent page says so).
 *
 * Larder writes this endpoint itself rather than enabling oidc-provider's: clients live
 * in Larder's table with hashed secrets, its scopes belong to the API resources (which
 * oidc-provider's registration would refuse in `scope`), and the redirect URI policy
 * (private-use schemes for Cursor or VS Code, loopback on any port) is Larder's.
 * oidc-provider still validates every client it loads (clients.ts clientMetadata).
 */

/** RFC 7591 section 3.2.2. */
export class InvalidClientMetadataError extends LarderError {
  constructor(description: string) {
    super('invalid_client_metadata', 400, description);
    this.name = 'InvalidClientMetadataError';
  }
}

const AUTH_METHODS: ReadonlySet<string> = new Set<ClientAuthMethod>(['none', 'client_secret_post', 'client_secret_basic']);
const SUPPORTED_GRANTS = ['authorization_code', 'refresh_token'] as const;
const REGISTRATION_BODY_LIMIT = 16 * 1024;

/** Turns an RFC 7591 registration request into what Larder stores, or says what is wrong. */
export function parseRegistrationRequest(body: unknown): SelfRegisteredClientInput & { applicationType: 'web' | 'native' } {
  if (!body || typeof body !== 'object' || Array.isArray(body)) throw new InvalidClientMetadataError('The registration must be a JSON object of client metadata (RFC 7591 section 2).');
  const metadata = body as Record<string, unknown>;
  const { redirectUris, applicationType } = validateClientRedirectUris(metadata.redirect_uris);

  // Section 2: without token_endpoint_auth_method the default is client_secret_basic.
  const method = metadata.token_endpoint_auth_method ?? 'client_secret_basic';
  if (typeof method !== 'string' || !AUTH_METHODS.has(method)) {
    throw new InvalidClientMetadataError(`token_endpoint_auth_method must be none, client_secret_post or client_secret_basic, not ${JSON.stringify(method)}.`);
  }

  // Section 3.2.1 lets the server replace what it does not support: unsupported grants
  // (VS Code also asks for device_code) are dropped, and the response says what was kept.
  let grantTypes: OAuthClient['grantTypes'] = [...SUPPORTED_GRANTS];
  if (metadata.grant_types !== undefined) {
    if (!Array.isArray(metadata.grant_types) || metadata.grant_types.some((g) => typeof g !== 'string')) throw new InvalidClientMetadataError('grant_types must be an array of strings.');
    grantTypes = SUPPORTED_GRANTS.filter((grant) => (metadata.grant_types as string[]).includes(grant));
    if (!grantTypes.includes('authorization_code')) throw new InvalidClientMetadataError('grant_types must include "authorization_code": it is the only way to sign in to Larder.');
  }
  if (metadata.response_types !== undefined && !(Array.isArray(metadata.response_types) && metadata.response_types.includes('code'))) {
    throw new InvalidClientMetadataError('response_types must include "code" (the authorization code flow).');
  }

  if (metadata.scope !== undefined && typeof metadata.scope !== 'string') throw new InvalidClientMetadataError('scope must be a space-separated string.');
  // Larder's scopes are kept and others (openid, offline_access) dropped, as section 2 allows.
  const scopes = orderScopes(splitScopes(metadata.scope as string | undefined));

  if (metadata.client_name !== undefined && typeof metadata.client_name !== 'string') throw new InvalidClientMetadataError('client_name must be a string.');
  const fallbackName = URL.parse(redirectUris[0]!)?.host || 'An app';
  return {
    name: readableClientName(metadata.client_name, fallbackName),
    redirectUris,
    applicationType,
    scopes: scopes.length > 0 ? scopes : DEFAULT_CLIENT_SCOPES,
    authMethod: method as ClientAuthMethod,
    grantTypes,
  };
}

/** Section 3.2.1: the client information response (no registration access token: RFC 7592 is not offered). */
function registrationResponse(client: OAuthClient, clientSecret: string | undefined, applicationType: 'web' | 'native'): Record<string, unknown> {
  return {
    client_id: client.clientId,
    client_id_issued_at: Math.floor(Date.parse(client.createdAt) / 1000),
    ...(clientSecret === undefined ? {} : { client_secret: clientSecret, client_secret_expires_at: 0 }),
    client_name: client.name,
    redirect_uris: client.redirectUris,
    grant_types: client.grantTypes,
    response_types: ['code'],
    token_endpoint_auth_method: client.authMethod,
    application_type: applicationType,
    scope: client.scopes.join(' '),
  };
}

/** Registers POST /oauth/register (preflights: cors.ts). */
export async function registrationRoutes(app: FastifyInstance, options: { db: Db }): Promise<void> {
  const { db } = options;
  app.post(OAUTH_ROUTES.registration, { bodyLimit: REGISTRATION_BODY_LIMIT, schema: { hide: true } }, async (request, reply) => {
    if (!/^application\/json\b/i.test(request.headers['content-type'] ?? '')) {
      throw new InvalidClientMetadataError('Send the client metadata as JSON with Content-Type: application/json (RFC 7591 section 3.1).');
    }
    const input = parseRegistrationRequest(request.body);
    const { client, clientSecret } = await createSelfRegisteredClient(db, input);
    request.log.info({ clientId: client.clientId, authMethod: client.authMethod }, 'client registered itself');
    // Section 3.2.1 and RFC 6749 section 5.1: a response with a secret is never cached.
    return reply.code(201).header('cache-control', 'no-store').header('pragma', 'no-cache').send(registrationResponse(client, clientSecret, input.applicationType));
  });
}
