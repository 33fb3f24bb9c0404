import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { isResourceServerPath, requestPath } from './request-path.js';

/**
 * An `onSend` step: this reply is about one person (their profile, their diary, or an
 * error about their token) and no cache, shared or private, may keep it (RFC 9111
 * section 5.2.2.5). Registered as it is inside the API context, or for every resource
 * server path by `installNoStore` below.
 */
export async function forbidStoring(_request: FastifyRequest, reply: FastifyReply, payload: unknown): Promise<unknown> {
  reply.header('cache-control', 'no-store');
  return payload;
}

/** `Cache-Control: no-store` on every reply under the resource servers (`/api`, `/mcp`), errors too. */
export function installNoStore(app: FastifyInstance): void {
  app.addHook('onSend', (request, reply, payload, done) => {
    if (isResourceServerPath(requestPath(request.url))) reply.header('cache-control', 'no-store');
    done(null, payload);
  });
}
