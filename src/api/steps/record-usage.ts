import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Db } from '../../db/index.js';
import type { Activity } from '../activity.js';
import { recordApiRequest } from '../usage.js';

/** One answered call, as history shows it: the route pattern (`/api/foods/:id`, `/mcp log_food`), never a URL. */
export interface AnsweredCall {
  route: string;
  status: number;
  durationMs: number;
  /** What the call did, for the person's history (activity.ts); absent when it was no operation's. */
  activity?: Activity;
}

/**
 * Records one call of the request's caller for their history and for the quota (never
 * the token itself). A failure to record is logged, never passed on to the caller.
 */
export async function recordCall(db: Db, request: FastifyRequest, call: AnsweredCall): Promise<void> {
  const caller = request.apiCaller;
  // A 503 (database down, over time, shutting down) was no use to anyone, and recording it
  // would first wait out the very outage it reports.
  if (!caller || call.status === 503) return;
  try {
    await recordApiRequest(db, {
      userId: caller.user.id,
      clientId: caller.clientId,
      grantId: caller.grantId,
      method: request.method,
      route: call.route,
      status: call.status,
      durationMs: call.durationMs,
      at: new Date(),
      activity: call.activity,
    });
  } catch (error) {
    request.log.error({ err: error }, 'could not record an API request');
  }
}

/**
 * Step 6, as the answer leaves: every request made with a token is recorded. It runs
 * before the reply is sent (onSend), not after: once a client has its answer, the next
 * request already counts it, on every instance (after-the-fact recording let quick
 * clients slip past the quota on PostgreSQL).
 */
export function recordUsage(db: Db) {
  return async function recordUsageStep(request: FastifyRequest, reply: FastifyReply, payload: unknown): Promise<unknown> {
    const route = request.routeOptions.url ?? request.url.split('?')[0] ?? '';
    await recordCall(db, request, { route, status: reply.statusCode, durationMs: reply.elapsedTime, activity: request.apiActivity });
    return payload;
  };
}
