import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Activity } from '../activity.js';
import type { UsageLedger } from '../usage-ledger.js';
import { routeOf } from '../../http/route-of.js';

/** One answered call, as history shows it: the route pattern (`/api/foods/:id`, `/mcp log_food`), never a URL. */
export interface AnsweredCall {
  route: string;
  status: number;
  durationMs: number;
  /** What the call did, for the person's history (activity.ts); absent when it was no operation's. */
  activity?: Activity;
}

/**
 * Records one call of the request's caller for their history (never the token itself).
 * The quota counted it when it was admitted (enforce-quota.ts); the record joins the
 * ledger's next group commit, a few milliseconds later, in one transaction with the others.
 */
export async function recordCall(usage: UsageLedger, request: FastifyRequest, call: AnsweredCall): Promise<void> {
  recordCallNow(usage, request, call);
}

/** recordCall, done at once (it only buffers). */
export function recordCallNow(usage: UsageLedger, request: FastifyRequest, call: AnsweredCall): void {
  const caller = request.apiCaller;
  // A 503 (database down, over time, shutting down) was no use to anyone: it is neither
  // kept in the history nor counted against the quota (the admission is given back).
  if (!caller) return;
  if (call.status === 503) {
    usage.giveBack(caller.user.id);
    return;
  }
  usage.record({
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
}

/** Step 6, as the answer leaves: every request made with a token is recorded. */
export function recordUsage(usage: UsageLedger) {
  return function recordUsageStep(request: FastifyRequest, reply: FastifyReply, payload: unknown): unknown {
    const route = routeOf(request).url ?? request.url.split('?')[0] ?? '';
    recordCallNow(usage, request, { route, status: reply.statusCode, durationMs: reply.elapsedTime, activity: request.apiActivity });
    return payload;
  };
}
