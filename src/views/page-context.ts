import { AsyncLocalStorage } from 'node:async_hooks';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

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

/**
 * Gives every request of `app` a page context, worked out by `resolve` before the handler
 * runs (preHandler): once per request, and not for JSON routes (the API, /mcp).
 */
export function installPageContext(app: FastifyInstance, resolve: Resolve): void {
  app.addHook('onRequest', (request, reply, done) => {
    // A JSON route never renders a page (its errors are JSON too, http/errors.ts), and its
    // context would never be prepared (below): no store to enter for it.
    if (request.routeOptions.config?.jsonReplies === true) return done();
    storage.run({ request, reply, resolve }, done);
  });
  app.addHook('preHandler', (request, _reply, done) => {
    if (request.routeOptions.config?.jsonReplies === true || request.url.startsWith('/assets/')) return done();
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
