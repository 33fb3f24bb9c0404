import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { REQUEST_ID_HEADER } from '../ops/request-id.js';
import { hostProblem } from './http-semantics.js';
import { NulCharacterError, targetHasNul } from './refuse-nul.js';
import { installRouteOf } from './route-of.js';
import { shutdownRefusal } from './shutdown.js';

/**
 * What every request meets first, as one callback hook (a hook of its own each was four
 * dispatches through Fastify's hook runner per request, for checks that take a few
 * nanoseconds), in this order:
 *
 * 1. its request id on the reply (`X-Request-Id`): a person reporting a problem, a proxy log
 *    and Larder's log then name the same request. Among Fastify's headers, not on the raw
 *    response: a raw header makes Node take every other one through `setHeader` again as
 *    the reply is written. The OAuth hand-off, which bypasses Fastify, sets it on the raw
 *    response itself (oauth/mount.ts). Then the security headers (`secure`, from
 *    security-headers.ts), so that every answer below, refusals included, carries them;
 * 2. a 503 while the process shuts down (shutdown.ts), before any other work;
 * 3. the Host fields of an HTTP/1.1 request (RFC 9112 section 3.2, http-semantics.ts);
 * 4. a NUL in the request target (refuse-nul.ts; one in a body is refused once it is parsed).
 *
 * Callback hooks (here and in the other hooks every request passes): no promise and no
 * microtask per hook, which an async hook costs even when it has nothing to wait for.
 */
export function installRequestEntry(app: FastifyInstance, secure: (request: FastifyRequest, reply: FastifyReply) => void): void {
  installRouteOf(app);
  const refusalWhileClosing = shutdownRefusal(app);
  app.addHook('onRequest', (request, reply, done) => {
    reply.header(REQUEST_ID_HEADER, request.id);
    secure(request, reply);
    const refused = refusalWhileClosing() ?? hostProblem(request.raw) ?? (targetHasNul(request.url) ? new NulCharacterError('address') : undefined);
    done(refused);
  });
}
