import type { FastifyReply, FastifyRequest } from 'fastify';
import type { PayloadStep, RequestStep } from './run-steps.js';

/** GPT Actions give up after 45 s; Larder answers before that, whatever a handler is doing. */
export const API_TIME_BUDGET_MS = 40_000;

/** How often the requests in flight are looked at: the budget is kept to within this (1 s for the API's 40 s). */
export function sweepIntervalMs(timeBudgetMs: number): number {
  return Math.min(1000, Math.max(10, Math.floor(timeBudgetMs / 8)));
}

/** The slot of a reply in flight (answerInTime), on the reply itself: -1 when it holds none. */
const SLOT = Symbol('larder.inFlightSlot');
type SlottedReply = FastifyReply & { [SLOT]?: number };

/**
 * First step of every protected request: whatever happens after, an answer leaves within
 * the time budget, give or take {@link sweepIntervalMs} (503 with Retry-After, logged,
 * since it means a route needs fixing).
 *
 * Requests in flight are kept in one table that a single timer looks through, rather than
 * a timer and a `close` listener of each request's own (about 2 µs of every API call):
 * `onRequest` puts the reply in a free slot (plain arrays, a slot's number kept on the
 * reply: no hashing of a new object into a map on every request), `onSend` frees it as
 * its answer leaves, and a reply whose connection went before an answer leaves at the next look.
 */
export function answerInTime(timeBudgetMs = API_TIME_BUDGET_MS): { onRequest: RequestStep; onSend: PayloadStep } {
  /** The reply in each slot (undefined: free), and when its request began (epoch ms: Fastify keeps no start time without a logger or onResponse hook). */
  const replies: Array<SlottedReply | undefined> = [];
  const startedAt: number[] = [];
  const free: number[] = [];
  let inFlight = 0;
  let sweeper: NodeJS.Timeout | undefined;
  const release = (reply: SlottedReply): void => {
    const slot = reply[SLOT];
    // onSend may run twice for one reply (an error in a later hook answers again): the slot is freed once.
    if (slot === undefined || slot < 0 || replies[slot] !== reply) return;
    replies[slot] = undefined;
    reply[SLOT] = -1;
    free.push(slot);
    inFlight--;
  };
  const sweep = (): void => {
    const now = Date.now();
    for (let slot = 0; slot < replies.length; slot++) {
      const reply = replies[slot];
      if (reply === undefined) continue;
      if (reply.sent || reply.raw.destroyed) {
        release(reply);
      } else if (now - startedAt[slot]! >= timeBudgetMs) {
        release(reply);
        const request = reply.request;
        request.log.error({ route: request.routeOptions.url }, 'API request over the time budget');
        void reply
          .code(503)
          .header('retry-after', '5')
          .send({ error: 'timeout', error_description: 'Larder took too long to answer; please try again.' });
      }
    }
    if (inFlight === 0) {
      clearInterval(sweeper);
      sweeper = undefined;
      // The table shrinks back once nothing is in flight (after a burst of slow requests).
      replies.length = 0;
      startedAt.length = 0;
      free.length = 0;
    }
  };
  return {
    onRequest: function answerInTimeStep(_request: FastifyRequest, reply: FastifyReply): void {
      const slotted = reply as SlottedReply;
      const slot = free.length > 0 ? free.pop()! : replies.length;
      replies[slot] = slotted;
      startedAt[slot] = Date.now();
      slotted[SLOT] = slot;
      inFlight++;
      if (sweeper === undefined) {
        sweeper = setInterval(sweep, sweepIntervalMs(timeBudgetMs));
        sweeper.unref();
      }
    },
    onSend: function answeredInTimeStep(_request: FastifyRequest, reply: FastifyReply, payload: unknown): unknown {
      release(reply as SlottedReply);
      return payload;
    },
  };
}
