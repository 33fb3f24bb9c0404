import type { FastifyInstance, FastifyReply } from 'fastify';
import type Provider from 'oidc-provider';
import { purgeStaleLoginAttempts } from '../accounts/rate-limit.js';
import { purgeExpiredSessions } from '../accounts/session.js';
import { findUserCached } from '../accounts/cached-users.js';
import type { Config } from '../config.js';
import type { Db } from '../db/index.js';
import { requestPath, requestQuery } from '../http/request-path.js';
import type { Views } from '../views/render.js';
import { accountAppRoutes, oauthAccountSections, type AccountSection } from './account-sections.js';
import { purgeExpired } from './adapter.js';
import { pruneIdleClients } from './clients.js';
import { installCors, oauthCorsRoutes } from './cors.js';
import { contentSecurityPolicyAllowing, interactionRoutes } from './interactions.js';
import { rotatingProvider, watchKeysFile } from '../ops/key-rotation.js';
import { loadProviderKeys, signingKeysPath, type ProviderKeys } from './keys.js';
import { mountProvider } from './mount.js';
import { apiResourceFor, createProvider } from './provider.js';
import { registrationRoutes } from './registration.js';

/** How often a server deletes expired grants, codes and tokens. */
const PURGE_INTERVAL_MS = 60 * 60 * 1000;

export interface OAuthServer {
  provider: Provider;
  /** The API's resource indicator: the audience of every access token. */
  apiResource: string;
  keys: ProviderKeys;
  /** Connected apps and recent history, for accountRoutes' /account page. */
  accountSections: AccountSection[];
  /** Registers the provider's endpoints, the interaction pages and /account app routes. */
  routes: (app: FastifyInstance) => Promise<void>;
}

/**
 * The authorization server: oidc-provider with Larder's clients, keys, storage and
 * pages. Keys come from LARDER_SIGNING_KEYS or are created under the storage folder.
 */
export function createOAuthServer(options: { config: Config; db: Db; views: Views }): OAuthServer {
  const { config, db, views } = options;
  const keys = loadProviderKeys(config);
  const apiResource = apiResourceFor(config.appUrl);
  // Rebuilt when `larder keys:generate --force` rotates the keys file (src/ops/key-rotation.ts).
  const rotation = rotatingProvider(keys, (current) =>
    createProvider({
      config,
      db,
      keys: current,
      views,
      // The token endpoint asks on every code exchange and refresh: from the cache the API uses too.
      accountExists: async (id) => (await findUserCached(db)(id)) !== undefined,
    }),
  );
  const provider = rotation.provider;

  const routes = async (app: FastifyInstance): Promise<void> => {
    installCors(app, oauthCorsRoutes());
    mountProvider(app, { provider, db });
    await registrationRoutes(app, { db });
    await interactionRoutes(app, { provider, db, views });
    await accountAppRoutes(app, { db, views });

    // /login and /register pages that continue an authorization request start the
    // redirect chain back to the client, which `form-action` must allow (see interactions.ts).
    const allowRedirectOf = async (uid: string, reply: FastifyReply): Promise<void> => {
      const interaction = (await provider.Interaction.find(uid)) as { params?: { redirect_uri?: unknown } } | undefined;
      // The redirect URI of this request, which oidc-provider checked against the client's.
      const redirectUri = interaction?.params?.redirect_uri;
      if (typeof redirectUri === 'string') reply.header('content-security-policy', contentSecurityPolicyAllowing([redirectUri]));
    };
    // Callback hooks (as every hook each request passes): no promise unless there is something to wait for.
    app.addHook('onRequest', (request, reply, done) => {
      if (request.method !== 'GET') return done();
      const path = requestPath(request.url);
      const query = requestQuery(request.url);
      if ((path !== '/login' && path !== '/register') || !query) return done();
      const uid = /^\/interaction\/([A-Za-z0-9_-]{1,64})$/.exec(new URLSearchParams(query).get('return_to') ?? '')?.[1];
      if (!uid) return done();
      allowRedirectOf(uid, reply).then(() => done(), done);
    });

    // See provider.proxy in provider.ts: the public origin is APP_URL's, not the Host a
    // request happened to carry (a load balancer's internal name, 127.0.0.1 instead of localhost).
    const publicOrigin = new URL(config.appUrl);
    const publicHost = publicOrigin.host;
    const publicProto = publicOrigin.protocol.replace(':', '');
    app.addHook('onRequest', (request, _reply, done) => {
      request.raw.headers['x-forwarded-host'] = publicHost;
      request.raw.headers['x-forwarded-proto'] = publicProto;
      done();
    });

    const purge = setInterval(() => {
      Promise.all([purgeExpired(db), purgeExpiredSessions(db), purgeStaleLoginAttempts(db), pruneIdleClients(db)]).catch((error: unknown) =>
        app.log.error({ err: error }, 'purge of expired rows failed'),
      );
    }, PURGE_INTERVAL_MS);
    purge.unref();
    app.addHook('onClose', async () => clearInterval(purge));

    if (keys.source === 'file') {
      const stopWatching = watchKeysFile(rotation, { file: signingKeysPath(config.storageDir), intervalMs: config.keysPollMs, load: () => loadProviderKeys(config), log: app.log });
      app.addHook('onClose', async () => stopWatching());
    }
  };

  return { provider, apiResource, keys, accountSections: oauthAccountSections({ db, views }), routes };
}
