import type { FastifyReply, FastifyRequest } from 'fastify';
import type { RequestStep } from './run-steps.js';

/** GPT Actions give up after 45 s; Larder answers before that, whatever a handler is doing. */
export const API_TIME_BUDGET_MS = 40_000;

/**
 * First step of every protected request: whatever happens after, an answer leaves within
 * the time budget (503 with Retry-After, logged, since it means a route needs fixing).
 */
export function answerInTime(timeBudgetMs = API_TIME_BUDGET_MS): RequestStep {
  return function answerInTimeStep(request: FastifyRequest, reply: FastifyReply): void {
    const timer = setTimeout(() => {
      if (reply.sent) return;
      request.log.error({ route: request.routeOptions.url }, 'API request over the time budget');
      void reply
        .code(503)
        .header('retry-after', '5')
        .send({ error: 'timeout', error_description: 'Larder took too long to answer; please try again.' });
    }, timeBudgetMs);
    timer.unref();
    reply.raw.once('close', () => clearTimeout(timer));
  };
}
