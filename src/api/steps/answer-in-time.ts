import type { FastifyReply, FastifyRequest } from 'fastify';
import type { PayloadStep, RequestStep } from './run-steps.js';

/** GPT Actions give up after 45 s; Larder answers before that, whatever a handler is doing. */
export const API_TIME_BUDGET_MS = 40_000;

/** How often the requests in flight are looked at: the budget is kept to within this (1 s for the API's 40 s). */
export function sweepIntervalMs(timeBudgetMs: number): number {
  return Math.min(1000, Math.max(10, Math.floor(timeBudgetMs / 8)));
}

/**
 * First step of every protected request: whatever happens after, an answer leaves within
 * the time budget, give or take {@link sweepIntervalMs} (503 with Retry-After, logged,
 * since it means a route needs fixing).
 *
 * Requests in flight are kept in one map that a single timer looks through, rather than
 * a timer and a `close` listener of each request's own (about 2 µs of every API call):
 * `onRequest` adds the reply, `onSend` takes it out as its answer leaves, and a reply whose
 * connection went before an answer leaves at the next look.
 */
export function answerInTime(timeBudgetMs = API_TIME_BUDGET_MS): { onRequest: RequestStep; onSend: PayloadStep } {
  /** Each reply in flight, with when its request began (epoch ms: Fastify keeps no start time without a logger or onResponse hook). */
  const inFlight = new Map<FastifyReply, number>();
  let sweeper: NodeJS.Timeout | undefined;
  const sweep = (): void => {
    const now = Date.now();
    for (const [reply, startedAt] of inFlight) {
      if (reply.sent || reply.raw.destroyed) {
        inFlight.delete(reply);
      } else if (now - startedAt >= timeBudgetMs) {
        inFlight.delete(reply);
        const request = reply.request;
        request.log.error({ route: request.routeOptions.url }, 'API request over the time budget');
        void reply
          .code(503)
          .header('retry-after', '5')
          .send({ error: 'timeout', error_description: 'Larder took too long to answer; please try again.' });
      }
    }
    if (inFlight.size === 0) {
      clearInterval(sweeper);
      sweeper = undefined;
    }
  };
  return {
    onRequest: function answerInTimeStep(_request: FastifyRequest, reply: FastifyReply): void {
      inFlight.set(reply, Date.now());
      if (sweeper === undefined) {
        sweeper = setInterval(sweep, sweepIntervalMs(timeBudgetMs));
        sweeper.unref();
      }
    },
    onSend: function answeredInTimeStep(_request: FastifyRequest, reply: FastifyReply, payload: unknown): unknown {
      inFlight.delete(reply);
      return payload;
    },
  };
}
