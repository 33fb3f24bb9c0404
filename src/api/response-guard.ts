import type { FastifyInstance } from 'fastify';
import { RESPONSE_BUDGET_CHARS } from './budget.js';

/** GPT Actions give up after 45 s; Larder answers before that, whatever a handler is doing. */
export const API_TIME_BUDGET_MS = 40_000;

export interface ResponseGuardOptions {
  maxChars?: number;
  timeBudgetMs?: number;
}

/**
 * The last line of the response budget for every /api route: routes trim their own
 * lists (see fitList), and this guard makes sure that nothing, whatever the data, goes
 * out over the size limit or after the time limit. Either case is answered with a
 * JSON error an assistant can relay, and logged, since it means a route needs fixing.
 */
export function installResponseGuard(app: FastifyInstance, options: ResponseGuardOptions = {}): void {
  const maxChars = options.maxChars ?? RESPONSE_BUDGET_CHARS;
  const timeBudgetMs = options.timeBudgetMs ?? API_TIME_BUDGET_MS;
  const isApi = (url: string) => url.startsWith('/api/');

  app.addHook('onRequest', async (request, reply) => {
    if (!isApi(request.url)) return;
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
  });

  app.addHook('onSend', async (request, reply, payload) => {
    if (!isApi(request.url) || typeof payload !== 'string' || payload.length <= maxChars) return payload;
    request.log.error({ route: request.routeOptions.url, chars: payload.length }, 'API response over the size budget');
    reply.code(500).type('application/json; charset=utf-8');
    return JSON.stringify({
      error: 'response_too_large',
      error_description: `The answer would exceed ${maxChars} characters; ask for less (a smaller limit or one day at a time).`,
    });
  });
}
