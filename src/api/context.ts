import type { FastifyInstance, RouteOptions } from 'fastify';
import type { Plan } from '../accounts/plans.js';
import type { User } from '../accounts/users.js';
import type { ProtectedResource } from './protected-resource.js';
import { installResponseGuard, type ResponseGuardOptions } from './response-guard.js';
import { checkAudience } from './steps/check-audience.js';
import { enforceQuota } from './steps/enforce-quota.js';
import { loadCaller } from './steps/load-caller.js';
import { noteActivity } from './steps/note-activity.js';
import { quotaFields } from './steps/quota-fields.js';
import { readBearerToken, type FindAccessToken } from './steps/read-bearer-token.js';
import { recordUsage } from './steps/record-usage.js';
import { requireScopes } from './steps/require-scopes.js';
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
  findUser: (id: string) => Promise<User | undefined>;
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
 *
 * @example
 *   await app.register(apiContext, { resource: apiProtectedResource(appUrl), findAccessToken, findUser, usage, quotas,
 *     routes: async (api) => { await api.register(catalogApiRoutes, { catalog, appUrl }); } });
 */
export async function apiContext(api: FastifyInstance, options: ApiContextOptions): Promise<void> {
  const { resource, usage } = options;
  markJsonReplies(api);
  installResponseGuard(api, options.guard);
  api.addHook('onRequest', readBearerToken(options.findAccessToken, resource));
  api.addHook('onRequest', checkAudience(resource));
  api.addHook('onRequest', loadCaller(options.findUser, resource));
  api.addHook('onRequest', requireScopes(resource));
  api.addHook('onRequest', enforceQuota(usage, options.quotas));
  api.addHook('preSerialization', noteActivity);
  api.addHook('onSend', quotaFields(usage, options.quotas));
  api.addHook('onSend', recordUsage(usage));
  await options.routes(api);
}
