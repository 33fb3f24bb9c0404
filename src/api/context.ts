import type { FastifyInstance, RouteOptions } from 'fastify';
import type { Plan } from '../accounts/plans.js';
import type { User } from '../accounts/users.js';
import type { ProtectedResource } from './protected-resource.js';
import { responseGuardSteps, type ResponseGuardOptions } from './response-guard.js';
import { checkAudienceNow } from './steps/check-audience.js';
import { enforceQuotaNow } from './steps/enforce-quota.js';
import { loadCallerNow } from './steps/load-caller.js';
import { noteActivity } from './steps/note-activity.js';
import { quotaFieldsNow } from './steps/quota-fields.js';
import { readBearerTokenNow, type FindAccessToken } from './steps/read-bearer-token.js';
import { recordUsage } from './steps/record-usage.js';
import { requireScopesNow } from './steps/require-scopes.js';
import { payloadSteps, requestSteps, type MaybePromise } from './steps/run-steps.js';
import type { UsageLedger } from './usage-ledger.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Set on every route of a protected context: its errors are JSON, never a page. */
    jsonReplies?: boolean;
  }
}

export interface ApiContextOptions {
  resource: ProtectedResource;
  findAccessToken: FindAccessToken;
  /** At once (no promise) when the person is cached (accounts/cached-users.ts: findUserCachedNow). */
  findUser: (id: string) => MaybePromise<User | undefined>;
  /** Counts requests against quotas and buffers their history (shared with /mcp). */
  usage: UsageLedger;
  quotas: Readonly<Record<Plan, number>>;
  guard?: ResponseGuardOptions;
  /** Registers the API's routes inside the context, so each passes every step. */
  routes: (api: FastifyInstance) => Promise<void>;
}

/** Marks every route of a protected context as answering in JSON (see wantsJson in http/errors.ts). */
export function markJsonReplies(context: FastifyInstance): void {
  context.addHook('onRoute', (route: RouteOptions) => {
    route.config = { ...route.config, jsonReplies: true };
  });
}

/**
 * The API as one encapsulated Fastify context (register it with `app.register`, without
 * fastify-plugin): the resource server's steps are its hooks, in protocol order, and only
 * routes registered inside it pass them. Nothing outside asks "is this URL the API?".
 * The steps run as one callback hook per stage (steps/run-steps.ts): with the token, the
 * person and a quota block in memory, a request passes all of them without a promise.
 *
 * @example
 *   await app.register(apiContext, { resource: apiProtectedResource(appUrl), findAccessToken, findUser, usage, quotas,
 *     routes: async (api) => { await api.register(catalogApiRoutes, { catalog, appUrl }); } });
 */
export async function apiContext(api: FastifyInstance, options: ApiContextOptions): Promise<void> {
  const { resource, usage } = options;
  markJsonReplies(api);
  const guard = responseGuardSteps(options.guard);
  api.addHook(
    'onRequest',
    requestSteps([
      guard.onRequest,
      readBearerTokenNow(options.findAccessToken, resource),
      checkAudienceNow(resource),
      loadCallerNow(options.findUser, resource),
      requireScopesNow(resource),
      enforceQuotaNow(usage, options.quotas, resource),
    ]),
  );
  api.addHook('preSerialization', noteActivity);
  api.addHook('onSend', payloadSteps([...guard.onSend, quotaFieldsNow(usage, options.quotas), recordUsage(usage)]));
  await options.routes(api);
}
