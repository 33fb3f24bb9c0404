import Provider, { errors, interactionPolicy, type KoaContextWithOIDC } from 'oidc-provider';
import type { Config } from '../config.js';
import { DatabaseUnavailableError, isDatabaseUnavailable } from '../db/errors.js';
import type { Db } from '../db/index.js';
import { preparePage } from '../views/page-context.js';
import type { Views } from '../views/render.js';
import { createKyselyAdapter, holdAnswerForTokenSaves, tokenWritesOf } from './adapter.js';
import { createMetadataDocumentResolver, isClientIdMetadataUrl } from './client-metadata-document.js';
import { createClientsAdapter, findClientCached, keepClientInstances, secretMatchesHash, touchClient } from './clients.js';
import { describeAuthorizationError } from './error-page.js';
import { findGrantFor } from './grants.js';
import { sessionAdapterWithGrace } from './provider-session.js';
import { refusingUnknownScopes } from './requested-scopes.js';
import type { ProviderKeys } from './keys.js';
import { LOOPBACK_HOSTS } from './redirect-uris.js';
import { defaultResourceFor, resourceNamed, resourcesFor } from './resources.js';
import { LARDER_SCOPES } from './scopes.js';

/** Every oidc-provider endpoint lives under /oauth on Larder's own origin (SPEC.md). */
export const OAUTH_ROUTES = {
  authorization: '/oauth/authorize',
  token: '/oauth/token',
  revocation: '/oauth/revoke',
  introspection: '/oauth/introspect',
  jwks: '/oauth/jwks',
  registration: '/oauth/register',
  userinfo: '/oauth/userinfo',
  end_session: '/oauth/logout',
  pushed_authorization_request: '/oauth/par',
  device_authorization: '/oauth/device/auth',
  code_verification: '/oauth/device',
  backchannel_authentication: '/oauth/backchannel',
  challenge: '/oauth/challenge',
  credential: '/oauth/credential',
} as const;

export const TOKEN_LIFETIMES = {
  /** Seconds. Short, since a refresh is cheap and a leaked token should not live long. */
  accessToken: 60 * 60,
  authorizationCode: 60,
  /** Each refresh token; rotation hands out a new one on every use. */
  refreshToken: 30 * 24 * 60 * 60,
  /** The grant (the "connected app"): a year without use and it lapses. */
  grant: 365 * 24 * 60 * 60,
  interaction: 60 * 60,
  session: 14 * 24 * 60 * 60,
} as const;

/** The resource indicator (RFC 8707) of Larder's API: the audience of GPT Actions' tokens. */
export function apiResourceFor(appUrl: string): string {
  return resourcesFor(appUrl).api;
}

/**
 * clientBasedCORS: a browser client may call the token endpoint from the origin of one
 * of its redirect URIs; for loopback redirect URIs (matched on any port, RFC 8252
 * section 7.3) from that loopback host on any port.
 */
export function originAllowedForClient(origin: string, redirectUris: string[]): boolean {
  if (origin === 'null') return false;
  const from = URL.parse(origin);
  if (!from) return false;
  return redirectUris.some((uri) => {
    const to = URL.parse(uri);
    if (!to) return false;
    if (to.origin !== 'null' && to.origin === from.origin) return true;
    return to.protocol === 'http:' && LOOPBACK_HOSTS.has(to.hostname) && from.protocol === 'http:' && from.hostname === to.hostname;
  });
}

export interface LarderProviderOptions {
  config: Config;
  db: Db;
  keys: ProviderKeys;
  views: Views;
  /** Whether an account id still names a person (a deleted account's tokens stop working). */
  accountExists: (accountId: string) => Promise<boolean>;
}

/**
 * Larder's policy on top of oidc-provider's login prompt: the provider's own session
 * cookie is not trusted on its own; every authorization request passes through
 * /interaction, where Larder's session decides who is signed in (and a person who has
 * logged out of Larder is asked again).
 */
function interactionPolicyForLarder(): unknown {
  const { Check, base } = interactionPolicy;
  const policy = base();
  const login = policy.get('login');
  login.checks.add(
    new Check('larder_session', 'Larder checks its own session on every authorization request', (ctx: KoaContextWithOIDC) =>
      ctx.oidc.result?.login ? Check.NO_NEED_TO_PROMPT : Check.REQUEST_PROMPT,
    ),
  );
  return policy;
}

/**
 * Builds the oidc-provider instance: plain OAuth 2.0 (no `openid` needed), the
 * authorization code grant with PKCE, rotating refresh tokens, opaque access tokens for
 * one resource server (the API), and Larder's clients, pages and storage.
 */
export function createProvider(options: LarderProviderOptions): Provider {
  const { config, db, keys, views, accountExists } = options;
  const resources = resourcesFor(config.appUrl);
  const Adapter = createKyselyAdapter(db);
  const clientsAdapter = createClientsAdapter(db, {
    isMetadataDocumentUrl: isClientIdMetadataUrl,
    resolveMetadataDocument: createMetadataDocumentResolver({ db, allowLoopback: config.cimdAllowLoopback }),
  });

  const provider = new Provider(config.appUrl, {
    // Sessions keep a rotated id readable for a moment (provider-session.ts).
    adapter: (name: string) => (name === 'Client' ? clientsAdapter : name === 'Session' ? new (sessionAdapterWithGrace(Adapter, db))(name) : new Adapter(name)),
    clients: [],
    jwks: keys.jwks,
    cookies: {
      keys: keys.cookieKeys,
      names: { session: '_larder_oauth_session', interaction: '_larder_interaction', resume: '_larder_interaction_resume' },
      long: { httpOnly: true, sameSite: 'lax', signed: true },
      short: { httpOnly: true, sameSite: 'lax', signed: true },
    },
    routes: OAUTH_ROUTES,
    // Only `openid` is an OpenID Connect scope; Larder's scopes belong to the API resource.
    scopes: ['openid'],
    claims: { openid: ['sub'] },
    responseTypes: ['code'],
    clientAuthMethods: ['client_secret_basic', 'client_secret_post', 'none'],
    clientDefaults: { grant_types: ['authorization_code', 'refresh_token'], response_types: ['code'], token_endpoint_auth_method: 'client_secret_basic' },
    // RFC 9700 section 2.1.1: PKCE for public clients; GPT Actions (confidential) send none.
    pkce: { required: (_ctx: unknown, client: { clientAuthMethod: string }) => client.clientAuthMethod === 'none' },
    features: {
      devInteractions: { enabled: false },
      registration: { enabled: false },
      userinfo: { enabled: false },
      rpInitiatedLogout: { enabled: false },
      revocation: {
        enabled: true,
        allowedPolicy: async (_ctx: unknown, client: { clientId: string }, token: { clientId?: string }) => token.clientId === client.clientId,
      },
      introspection: {
        enabled: true,
        // A client may learn about its own tokens only.
        allowedPolicy: async (_ctx: unknown, client: { clientId: string }, token: { clientId?: string }) => token.clientId === client.clientId,
      },
      resourceIndicators: refusingUnknownScopes({
        enabled: true,
        // RFC 8707: a client that names no resource gets its kind's (resources.ts): GPT
        // Actions never send `resource`; MCP clients do. With several granted and none
        // named at the token endpoint, the default among them (oidc-provider issues each
        // access token for one audience; a client wanting both asks once per resource).
        defaultResource: async (_ctx: unknown, client: { clientId: string }, oneOf?: string[]) => {
          const fallback = defaultResourceFor((await findClientCached(db, client.clientId))?.registration, resources);
          if (!oneOf) return fallback;
          return oneOf.includes(fallback) ? fallback : oneOf[0];
        },
        useGrantedResource: async () => true,
        getResourceServerInfo: async (_ctx: unknown, resourceIndicator: string, client: { clientId: string }) => {
          if (!resourceNamed(resources, resourceIndicator)) throw new errors.InvalidTarget!(`Larder's resources are ${resources.mcp} (MCP) and ${resources.api} (the API)`);
          const registered = await findClientCached(db, client.clientId);
          // The operator decides what their clients may ask for; a client that registered
          // itself may ask for any scope (its registration vouches for nothing): the
          // person decides on the consent page, and step-up needs every scope open.
          const scopes = registered?.registration === 'operator' ? registered.scopes : LARDER_SCOPES;
          return {
            scope: registered ? scopes.join(' ') : '',
            audience: resourceIndicator,
            accessTokenTTL: TOKEN_LIFETIMES.accessToken,
            // Opaque: looked up by key on every request, so revocation is immediate.
            accessTokenFormat: 'opaque',
          };
        },
      }),
    },
    // Refresh tokens for every client allowed the grant, not only with offline_access.
    issueRefreshToken: async (_ctx: unknown, client: { grantTypeAllowed(type: string): boolean }) => client.grantTypeAllowed('refresh_token'),
    // RFC 9700 section 4.14.2: rotate on every use; oidc-provider revokes the grant on reuse.
    rotateRefreshToken: () => true,
    // Tokens outlive the browser session that approved them.
    expiresWithSession: async () => false,
    // A person who already approved this client is not asked again (SPEC.md), whichever browser they use.
    loadExistingGrant: async (ctx: KoaContextWithOIDC) => {
      const { oidc } = ctx;
      const grantId = oidc.result?.consent?.grantId ?? oidc.session.grantIdFor(oidc.client.clientId);
      if (grantId) {
        const grant = await oidc.provider.Grant.find(grantId);
        if (grant && grant.accountId === oidc.session.accountId) return grant;
      }
      const existing = await findGrantFor(db, { accountId: oidc.session.accountId, clientId: oidc.client.clientId });
      return existing ? oidc.provider.Grant.find(existing) : undefined;
    },
    findAccount: async (_ctx: unknown, sub: string) => {
      if (!(await accountExists(sub))) return undefined;
      return { accountId: sub, claims: () => ({ sub }) };
    },
    interactions: {
      url: async (_ctx: unknown, interaction: { uid: string }) => `/interaction/${interaction.uid}`,
      policy: interactionPolicyForLarder(),
    },
    ttl: {
      AccessToken: TOKEN_LIFETIMES.accessToken,
      AuthorizationCode: TOKEN_LIFETIMES.authorizationCode,
      RefreshToken: TOKEN_LIFETIMES.refreshToken,
      Grant: TOKEN_LIFETIMES.grant,
      Interaction: TOKEN_LIFETIMES.interaction,
      Session: TOKEN_LIFETIMES.session,
      IdToken: TOKEN_LIFETIMES.accessToken,
    },
    // An unknown client or redirect URI ends here: a page for the person, never a redirect.
    renderError: async (ctx: KoaContextWithOIDC, out: Record<string, string>, error: unknown) => {
      const page = await describeAuthorizationError(db, config.appUrl, ctx, out, error);
      await preparePage();
      ctx.status = page.status;
      ctx.type = 'html';
      ctx.body = views.render('oauth-error', { ...page });
    },
    clientBasedCORS: (_ctx: unknown, origin: string, client: { redirectUris: string[] }) => originAllowedForClient(origin, client.redirectUris),
    discovery: { service_documentation: `${config.appUrl}/openapi.json` },
  });

  // Every URL the provider writes (metadata, redirects, the resume step) is built from the
  // request's host and protocol; Larder hands it APP_URL's (see publicOrigin in index.ts), so
  // the URLs are the same whichever instance, port or internal address a request arrived at.
  provider.proxy = true;

  // Only a hash of each secret is stored (clients.ts); compare the hash, in constant time.
  (provider.Client as unknown as { prototype: { compareClientSecret(this: { clientSecret?: string }, actual: string): Promise<boolean> } }).prototype.compareClientSecret =
    async function compareClientSecret(this: { clientSecret?: string }, actual: string) {
      return secretMatchesHash(actual, this.clientSecret);
    };

  keepClientInstances(provider.Client as unknown as { find(id: string): Promise<unknown> }, db, isClientIdMetadataUrl);

  answerDatabaseOutagesWith503(provider, views);
  answerAfterTokenWrites(provider);

  // RFC 8414 metadata names the scopes of the resources, which oidc-provider only learns
  // per request, and what Larder does beside it: registration (registration.ts, RFC 7591)
  // and metadata documents (client-metadata-document.ts). No `offline_access`: refresh
  // tokens come without it, and MCP clients would otherwise ask for consent every time.
  provider.use(async (ctx, next) => {
    await next();
    if (ctx.oidc?.route === 'discovery' && ctx.body && typeof ctx.body === 'object') {
      const body = ctx.body as Record<string, unknown>;
      body.scopes_supported = [...LARDER_SCOPES];
      body.code_challenge_methods_supported = ['S256'];
      body.grant_types_supported = ['authorization_code', 'refresh_token'];
      body.registration_endpoint = `${config.appUrl}${OAUTH_ROUTES.registration}`;
      body.client_id_metadata_document_supported = true;
      // RFC 9207 section 3: oidc-provider puts `iss` in every authorization response.
      body.authorization_response_iss_parameter_supported = true;
    }
  });

  // A self-registered or metadata-document client that keeps obtaining tokens is in use
  // (clients.ts pruneIdleClients removes those idle for 30 days).
  provider.on('grant.success', (ctx: KoaContextWithOIDC) => {
    const clientId = ctx.oidc?.client?.clientId;
    if (typeof clientId === 'string') touchClient(db, clientId).catch(() => undefined);
  });

  return provider;
}

/**
 * The token endpoint's consume of the code or refresh token and its access and refresh tokens
 * are written by the group commit while the provider goes on (adapter.ts, tokenWritesOf); the
 * answer waits here, before Koa writes it, until they are committed. A consume that lost (the
 * code or refresh token consumed first by another request, in another process) turns the
 * answer into `400 invalid_grant`; a write that failed into the error it would have been had
 * the provider awaited it: 503 for a database outage (the middleware around this one), else
 * 500 `server_error`, logged; the tokens of that answer are never sent.
 */
function answerAfterTokenWrites(provider: Provider): void {
  // oidc-provider's events, which its types leave out of Provider.
  const events = provider as unknown as { emit(event: string, ...args: unknown[]): boolean };
  provider.use(async (ctx, next) => {
    if (ctx.method !== 'POST') return next();
    holdAnswerForTokenSaves(ctx);
    try {
      await next();
    } catch (error) {
      tokenWritesOf(ctx)?.catch(() => undefined); // no answer names them
      throw error;
    }
    const saves = tokenWritesOf(ctx);
    if (!saves) return;
    try {
      await saves;
    } catch (error) {
      if (isDatabaseUnavailable(error)) throw error;
      if (error instanceof errors.InvalidGrant!) {
        // The code or refresh token was consumed first by another request (adapter.ts
        // #refuseReuse, the grant revoked): answered as oidc-provider answers a replay.
        const refused = error as unknown as { statusCode: number; message: string; error_description?: string };
        ctx.status = refused.statusCode;
        ctx.body = { error: refused.message, error_description: refused.error_description };
        events.emit('grant.error', ctx, error);
        return;
      }
      events.emit('server_error', ctx, error);
      ctx.status = 500;
      ctx.body = { error: 'server_error', error_description: 'Larder could not complete this request. Please try again; if it keeps failing, tell the operator.' };
    }
  });
}

/**
 * oidc-provider answers any error it did not raise itself as `500 server_error`. A database
 * that is down, restarting or hung is a failure of the moment: 503 with Retry-After and
 * RFC 6749's `temporarily_unavailable` (section 4.1.2.1), on a page for a person at the
 * authorization endpoint, as JSON elsewhere. The provider reports the cause only through
 * its `server_error` event, emitted before this middleware resumes.
 */
function answerDatabaseOutagesWith503(provider: Provider, views: Views): void {
  const outages = new WeakSet<object>();
  provider.on('server_error', (ctx: object, error: unknown) => {
    if (isDatabaseUnavailable(error)) outages.add(ctx);
  });
  provider.use(async (ctx, next) => {
    try {
      await next();
    } catch (error) {
      if (!isDatabaseUnavailable(error)) throw error;
      outages.add(ctx);
    }
    if (!outages.has(ctx)) return;
    const unavailable = new DatabaseUnavailableError();
    ctx.status = unavailable.status;
    for (const [name, value] of Object.entries(unavailable.headers)) ctx.set(name, value);
    ctx.set('cache-control', 'no-store');
    if (ctx.response.is('html')) {
      ctx.type = 'html';
      const heading = 'Larder is briefly unavailable';
      ctx.body = views.render('error', { title: heading, heading, message: unavailable.message });
    } else {
      ctx.body = { error: 'temporarily_unavailable', error_description: unavailable.message };
    }
  });
}
