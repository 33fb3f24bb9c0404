import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Db } from '../../db/index.js';
import { recordApiRequest } from '../usage.js';

/** What history shows for a request: by default its route pattern (`/api/foods/:id`), never its URL. */
export type UsageLabel = (request: FastifyRequest) => string;

const routePattern: UsageLabel = (request) => request.routeOptions.url ?? request.url.split('?')[0] ?? '';

/**
 * Step 6, once answered: every request made with a token is recorded for the person's
 * history and for the quota (never the token itself). A failure to record is logged; the
 * reply has already gone.
 */
export function recordUsage(db: Db, label: UsageLabel = routePattern) {
  return async function recordUsageStep(request: FastifyRequest, reply: FastifyReply): Promise<void> {
    const caller = request.apiCaller;
    if (!caller) return;
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
  };
}
