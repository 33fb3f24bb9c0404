import type { FastifyInstance, FastifyRequest } from 'fastify';

declare module 'fastify' {
  interface FastifyRequest {
    /** The request's route options, read once (routeOf). */
    larderRouteOptions: FastifyRequest['routeOptions'] | null;
  }
}

/**
 * The request's route options (its config, URL pattern, schema), built once per request.
 * Fastify's `request.routeOptions` is a getter that makes a new object of a dozen fields on
 * every read, and a request reads it in several hooks (security headers, page context,
 * history, scopes). A route's options never change while its request is answered; a
 * reply sent on to the not-found handler (`reply.callNotFound`, only the asset route
 * does) keeps its route's, which no hook tells apart from the not-found context's.
 */
export function routeOf(request: FastifyRequest): FastifyRequest['routeOptions'] {
  return (request.larderRouteOptions ??= request.routeOptions);
}

/** Declares the cached route options on every request of `app` (one shape for all of them). */
export function installRouteOf(app: FastifyInstance): void {
  app.decorateRequest('larderRouteOptions', null);
}
