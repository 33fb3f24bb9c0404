import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Db } from '../../db/index.js';
import { recordApiRequest } from '../usage.js';

/** What history shows for a request: by default its route pattern (`/api/foods/:id`), never its URL. */
export type UsageLabel = (request: FastifyRequest) => string;

const routePattern: UsageLabel = (request) => request.routeOptions.url ?? request.url.split('?')[0] ?? '';

/**
 * Step 6, as the answer leaves: every request made with a token is recorded for the
 * person's history and for the quota (never the token itself). It runs before the reply
 * is sent (onSend), not after: once a client has its answer, the next request already
 * counts it, on every instance (after-the-fact recording let quick clients slip past the
 * quota on PostgreSQL). A failure to record is logged and the answer still goes out.
 */
export function recordUsage(db: Db, label: UsageLabel = routePattern) {
  return async function recordUsageStep(request: FastifyRequest, reply: FastifyReply, payload: unknown): Promise<unknown> {
    const caller = request.apiCaller;
    if (!caller) return payload;
    try {
      await recordApiRequest(db, {
        userId: caller.user.id,
        clientId: caller.clientId,
        grantId: caller.grantId,
        method: request.method,
        route: label(request),
        status: reply.statusCode,
        durationMs: reply.elapsedTime,
        at: new Date(),
      });
    } catch (error) {
      request.log.error({ err: error }, 'could not record an API request');
    }
    return payload;
  };
}
