import type { FastifyInstance } from 'fastify';
import { RESPONSE_BUDGET_CHARS } from './budget.js';
import { answerInTime, API_TIME_BUDGET_MS } from './steps/answer-in-time.js';
import { fitSizeBudget } from './steps/fit-size-budget.js';
import { payloadSteps, requestSteps, type PayloadStep, type RequestStep } from './steps/run-steps.js';

export { API_TIME_BUDGET_MS } from './steps/answer-in-time.js';

export interface ResponseGuardOptions {
  maxChars?: number;
  timeBudgetMs?: number;
}

/** The guard's two steps: the time budget as the request starts, the size budget as the answer leaves. */
export function responseGuardSteps(options: ResponseGuardOptions = {}): { onRequest: RequestStep; onSend: PayloadStep[] } {
  const time = answerInTime(options.timeBudgetMs ?? API_TIME_BUDGET_MS);
  return { onRequest: time.onRequest, onSend: [time.onSend, fitSizeBudget(options.maxChars ?? RESPONSE_BUDGET_CHARS)] };
}

/**
 * The size and time budgets of every response in a protected context (the API, /mcp):
 * install it on the context, and only the routes registered inside it are guarded.
 * (The API context runs the same steps among its own: api/context.ts.)
 */
export function installResponseGuard(context: FastifyInstance, options: ResponseGuardOptions = {}): void {
  const steps = responseGuardSteps(options);
  context.addHook('onRequest', requestSteps([steps.onRequest]));
  context.addHook('onSend', payloadSteps(steps.onSend));
}
