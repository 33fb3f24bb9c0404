import type { FastifyInstance } from 'fastify';
import { RESPONSE_BUDGET_CHARS } from './budget.js';
import { answerInTime, API_TIME_BUDGET_MS } from './steps/answer-in-time.js';
import { fitSizeBudget } from './steps/fit-size-budget.js';

export { API_TIME_BUDGET_MS } from './steps/answer-in-time.js';

export interface ResponseGuardOptions {
  maxChars?: number;
  timeBudgetMs?: number;
}

/**
 * The size and time budgets of every response in a protected context (the API, /mcp):
 * install it on the context, and only the routes registered inside it are guarded.
 */
export function installResponseGuard(context: FastifyInstance, options: ResponseGuardOptions = {}): void {
  context.addHook('onRequest', answerInTime(options.timeBudgetMs ?? API_TIME_BUDGET_MS));
  context.addHook('onSend', fitSizeBudget(options.maxChars ?? RESPONSE_BUDGET_CHARS));
}
