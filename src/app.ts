import './http/route-docs.js';
import cookie from '@fastify/cookie';
import formbody from '@fastify/formbody';
import Fastify, { type FastifyInstance } from 'fastify';
import { meRoutes } from './accounts/me-routes.js';
import { accountRoutes } from './accounts/routes.js';
import { findUserCached, findUserCachedNow } from './accounts/cached-users.js';
import { apiContext } from './api/context.js';
import { apiProtectedResource, mcpProtectedResource } from './api/protected-resource.js';
import { apiResourceMetadataRoutes, mcpResourceMetadataRoutes } from './api/protected-resource-routes.js';
import { findAccessTokenIn } from './api/steps/read-bearer-token.js';
import { usageLedgerFor } from './api/usage-ledger.js';
import { cachedAccessTokens } from './api/verified-tokens.js';
import { catalogApiRoutes } from './catalog/api-routes.js';
import type { Catalog } from './catalog/catalog.js';
import { changeFeedFor } from './changes/feed.js';
import { catalogPages } from './catalog/pages.js';
import type { Config } from './config.js';
import type { OpenedDatabase } from './db/index.js';
import { healthRoutes } from './health/routes.js';
import { answerClientError } from './http/client-errors.js';
import { frameworkErrorHandler, installErrorHandling } from './http/errors.js';
import { installHttpSemantics } from './http/http-semantics.js';
import { installNulRefusal } from './http/refuse-nul.js';
import { installRequestEntry } from './http/request-entry.js';
import { installSecurityHeaders } from './http/security-headers.js';
import { serverTimeouts } from './http/timeouts.js';
import { fastifyLoggerOption } from './log.js';
import { diaryAccountSection, diarySettingsRoutes } from './diary/account-section.js';
import { diaryPages } from './diary/pages.js';
import { diaryRoutes } from './diary/routes.js';
import { collectApiRoutes, type CollectedRoute } from './gpt/openapi.js';
import { apiDocumentRoutes } from './gpt/routes.js';
import { legalPages } from './legal/pages.js';
import { createRateLimiter, installRateLimits } from './limits/index.js';
import { fastifyTrustProxy } from './limits/trust-proxy.js';
import { createMailer } from './mail/index.js';
import { mcpRoutes } from './mcp/context.js';
import { createOAuthServer } from './oauth/index.js';
import { requestIdOptions } from './ops/request-id.js';
import { personalDataRoutes, personalDataSection } from './personal-data/routes.js';
import type { Views } from './views/render.js';

export interface AppServices {
  config: Config;
  database: OpenedDatabase;
  catalog: Catalog;
  views: Views;
}

/** Builds the Fastify app from the modules; nothing else happens here. */
export async function buildApp(services: AppServices): Promise<FastifyInstance> {
  const { config, catalog, views } = services;
  const app = Fastify({
    logger: fastifyLoggerOption(config),
    ...requestIdOptions(),
    trustProxy: fastifyTrustProxy(config.trustProxy),
    bodyLimit: 1024 * 1024,
    routerOptions: { maxParamLength: 300 },
    // Refused in Larder's terms by the request entry hook (http/request-entry.ts) instead.
    return503OnClosing: false,
    ...serverTimeouts(config.httpTimeouts),
    ajv: { customOptions: { coerceTypes: true, removeAdditional: false, allErrors: false } },
    // Malformed URLs, and requests Node's parser refuses before any route: errors like any other.
    frameworkErrors: frameworkErrorHandler(views),
    clientErrorHandler: answerClientError,
  });

  // Request id, security headers, shutdown refusal, Host and NUL checks: one onRequest hook;
  // no-store (and the security headers, should a reply lack them): one onSend hook.
  installRequestEntry(app, installSecurityHeaders(app, { https: config.appUrl.startsWith('https:') }));
  installErrorHandling(app, views);
  installHttpSemantics(app);
  installNulRefusal(app);
  await app.register(formbody);
  await app.register(cookie);

  app.get<{ Params: { name: string } }>('/assets/:name', async (request, reply) => {
    const asset = views.asset(request.params.name);
    if (!asset) return reply.callNotFound();
    const type = asset.file.endsWith('.css')
      ? 'text/css; charset=utf-8'
      : asset.file.endsWith('.js')
        ? 'text/javascript; charset=utf-8'
        : asset.file.endsWith('.svg')
          ? 'image/svg+xml'
          : 'application/octet-stream';
    return reply.type(type).header('cache-control', 'public, max-age=3600').send(asset.body);
  });

  await app.register(healthRoutes, { db: services.database.db, catalogSize: () => catalog.size });

  // The authorization server (/oauth/*, /.well-known/*, /interaction/*).
  const db = services.database.db;
  const oauth = createOAuthServer({ config, db, views });
  installRateLimits(app, { limiter: createRateLimiter({ db, redisUrl: config.redisUrl }), provider: oauth.provider });
  // Off unless METRICS_TOKEN is set; observes every route below through hooks and provider events.
  // (prom-client, some 100 ms to load, only then).
  if (config.metricsToken !== undefined) {
    const { installMetrics } = await import('./ops/metrics.js');
    installMetrics(app, { token: config.metricsToken, provider: oauth.provider, pool: services.database.pool });
  }
  await oauth.routes(app);

  // The API: one context whose hooks are the resource server's steps; the OpenAPI
  // document is generated from the routes registered inside it.
  const apiResource = apiProtectedResource(config.appUrl);
  // Quota claims and history, written in batches; what is buffered is written when the app closes.
  const usage = usageLedgerFor(db, { onError: (error) => app.log.error({ err: error }, 'writing API usage failed') });
  app.addHook('onClose', () => usage.close());
  const apiRoutes: CollectedRoute[] = [];
  // Verified tokens and callers are reused (by the API and /mcp alike), kept in step across instances by the change feed.
  const findAccessToken = cachedAccessTokens(findAccessTokenIn(oauth.provider), changeFeedFor(db));
  const findUser = findUserCached(db);
  await app.register(apiContext, {
    resource: apiResource,
    findAccessToken,
    findUser: findUserCachedNow(db),
    usage,
    quotas: config.quotas,
    routes: async (api) => {
      collectApiRoutes(api, apiRoutes);
      await api.register(catalogApiRoutes, { catalog, appUrl: config.appUrl });
      await api.register(meRoutes);
      await api.register(diaryRoutes, { db, catalog });
    },
  });
  await app.register(apiResourceMetadataRoutes, { resource: apiResource, config });
  // /mcp: the same steps in its own context, for tokens issued for `${APP_URL}/mcp`.
  const mcpResource = mcpProtectedResource(config.appUrl);
  await app.register(mcpResourceMetadataRoutes, { resource: mcpResource, config });
  await app.register(mcpRoutes, { resource: mcpResource, config, db, catalog, views, findAccessToken, findUser, usage });
  await app.register(apiDocumentRoutes, { routes: apiRoutes, config, views });
  await app.register(catalogPages, { catalog, views });
  await app.register(legalPages, { config, views });
  await app.register(diarySettingsRoutes, { db, views });
  await app.register(diaryPages, { db, catalog, views });
  await app.register(personalDataRoutes, { db, appUrl: config.appUrl, views });
  await app.register(accountRoutes, {
    db,
    config,
    views,
    mailer: await createMailer(config.mail),
    accountSections: [diaryAccountSection({ db, views }), ...oauth.accountSections, personalDataSection(views)],
  });
  return app;
}
