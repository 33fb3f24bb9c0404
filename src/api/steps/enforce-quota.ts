import type { FastifyRequest } from 'fastify';
import { dailyQuotaFor, type Plan } from '../../accounts/plans.js';
import { callerOf } from '../caller.js';
import { InvalidTokenError, QuotaExceededError } from '../errors.js';
import type { ProtectedResource } from '../protected-resource.js';
import type { UsageLedger } from '../usage-ledger.js';
import { secondsUntil } from './quota-fields.js';

/**
 * Step 5: the person's plan allows another request today (429 with Retry-After, and what
 * to do about it, otherwise).
 * The ledger admits it from this process's claim on the day's shared counter, so the
 * quota holds across every instance without a database round trip per request.
 * `enforceQuotaNow` is the step (answered at once unless it waits for a claim; run-steps.ts).
 */
export function enforceQuotaNow(usage: UsageLedger, quotas: Readonly<Record<Plan, number>>, resource: ProtectedResource) {
  return function enforceQuotaStep(request: FastifyRequest): void | Promise<void> {
    const { user } = callerOf(request);
    const limit = dailyQuotaFor(user.plan, quotas);
    const now = Date.now();
    const admitted = usage.admitNow(user.id, limit, now);
    // The ledger found the account deleted (another instance or the CLI) before this
    // process's cached caller heard of it: the token acts for no one, not past a quota.
    const refuse = (): Error =>
      usage.isGone(user.id)
        ? new InvalidTokenError('The account this token was issued for no longer exists.', resource)
        : new QuotaExceededError(limit, secondsUntil(usage.resetsAt(now), now), user.plan, quotas, now);
    if (admitted === true) return;
    if (admitted === false) throw refuse();
    return admitted.then((yes) => {
      if (!yes) throw refuse();
    });
  };
}

/** enforceQuotaNow as an async hook. */
export function enforceQuota(usage: UsageLedger, quotas: Readonly<Record<Plan, number>>, resource: ProtectedResource) {
  const step = enforceQuotaNow(usage, quotas, resource);
  return async function enforceQuotaStep(request: FastifyRequest): Promise<void> {
    await step(request);
  };
}
