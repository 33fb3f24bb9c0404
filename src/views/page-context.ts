import { AsyncLocalStorage } from 'node:async_hooks';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { routeOf } from '../http/route-of.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** A route that answers JSON and never renders a page (the probes): it gets no page context. */
    rendersNoPage?: boolean;
  }
}

/**
 * What every page's layout needs to know about the request it answers, whichever module
 * renders the page: whether someone is logged in (the header shows "Account" and "Log out",
 * or "Register" and "Log in"), and the CSRF token of the header's log-out form.
 */
export interface PageContext {
  signedIn: boolean;
  /** The log-out form's CSRF token, when someone is logged in. */
  logoutCsrf?: string;
}

type Resolve = (request: FastifyRequest, reply: FastifyReply) => Promise<PageContext>;
/** The context when it is known at once (no one logged in), else undefined: then `Resolve` works it out. */
type ResolveNow = (request: FastifyRequest) => PageContext | undefined;

interface Store {
  request: FastifyRequest;
  reply: FastifyReply;
  resolve: Resolve;
  pending?: Promise<PageContext>;
  resolved?: PageContext;
}

/**
 * One store per request, entered in its first hook (as @fastify/request-context does), so a
 * template rendered anywhere in the request, an error page included, reads the same context.
 */
const storage = new AsyncLocalStorage<Store>();

/** Whether the request's route never renders a page: the protected contexts' JSON routes, and those marked `rendersNoPage`. */
function rendersNoPage(request: FastifyRequest): boolean {
  const config = routeOf(request).config;
  return config?.jsonReplies === true || config?.rendersNoPage === true;
}

/**
 * Gives every request of `app` a page context, worked out by `resolve` before the handler
 * runs (preHandler): once per request, and not for JSON routes (the API, /mcp, the probes).
 */
export function installPageContext(app: FastifyInstance, resolve: Resolve, resolveNow?: ResolveNow): void {
  app.addHook('onRequest', (request, reply, done) => {
    // A JSON route never renders a page (its errors are JSON too, http/errors.ts), and its
    // context would never be prepared (below): no store to enter for it.
    if (rendersNoPage(request)) return done();
    storage.run({ request, reply, resolve }, done);
  });
  app.addHook('preHandler', (request, _reply, done) => {
    if (rendersNoPage(request) || request.url.startsWith('/assets/')) return done();
    const store = storage.getStore();
    if (store && !store.resolved && resolveNow) store.resolved = resolveNow(request);
    if (store?.resolved) return done();
    preparePage().then(() => done(), done);
  });
}

/**
 * Works out the current request's page context, if it was not yet (an error page may be
 * rendered before the preHandler step, and oidc-provider's pages bypass it).
 */
export async function preparePage(): Promise<void> {
  const store = storage.getStore();
  if (!store || store.resolved) return;
  store.pending ??= store.resolve(store.request, store.reply);
  try {
    store.resolved = await store.pending;
  } catch (error) {
    store.request.log.error({ err: error }, 'could not work out the page context');
    store.resolved = { signedIn: false };
  }
}

/** The page context of the request being answered, once prepared; undefined outside one. */
export function currentPageContext(): PageContext | undefined {
  return storage.getStore()?.resolved;
}
