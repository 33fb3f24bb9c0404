import type { FastifyReply, FastifyRequest } from 'fastify';
import { RESPONSE_BUDGET_CHARS } from '../budget.js';

/**
 * The last line of the response budget: operations trim their own lists (see fitList),
 * and this makes sure nothing, whatever the data, goes out over the size limit. It is
 * answered with a JSON error an assistant can relay, and logged, since it means an
 * operation needs fixing.
 */
export function fitSizeBudget(maxChars = RESPONSE_BUDGET_CHARS) {
  return function fitSizeBudgetStep(request: FastifyRequest, reply: FastifyReply, payload: unknown): unknown {
    // A reply sent as bytes (the food API's pre-serialized JSON) has at least as many bytes as characters.
    const chars = typeof payload === 'string' ? payload.length : Buffer.isBuffer(payload) && payload.length > maxChars ? payload.toString('utf8').length : 0;
    if (chars <= maxChars) return payload;
    request.log.error({ route: request.routeOptions.url, chars }, 'API response over the size budget');
    reply.code(500).type('application/json; charset=utf-8');
    return JSON.stringify({
      error: 'response_too_large',
      error_description: `The answer would exceed ${maxChars} characters; ask for less (a smaller limit or one day at a time).`,
    });
  };
}
