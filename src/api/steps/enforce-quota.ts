import type { FastifyRequest } from 'fastify';
import { dailyQuotaFor, type Plan } from '../../accounts/plans.js';
import { callerOf } from '../caller.js';
import { QuotaExceededError } from '../errors.js';
import type { UsageLedger } from '../usage-ledger.js';
import { utcDay } from '../usage.js';

/**
 * Step 5: the person's plan allows another request today (429 with Retry-After otherwise).
 * The ledger admits it from this process's claim on the day's shared counter, so the
 * quota holds across every instance without a database round trip per request.
 */
export function enforceQuota(usage: UsageLedger, quotas: Readonly<Record<Plan, number>>) {
  return async function enforceQuotaStep(request: FastifyRequest): Promise<void> {
    const { user } = callerOf(request);
    const limit = dailyQuotaFor(user.plan, quotas);
    const now = new Date();
    if (!(await usage.admit(user.id, limit, now.getTime()))) {
      throw new QuotaExceededError(limit, Math.max(1, Math.ceil((utcDay(now).end - now.getTime()) / 1000)), user.plan);
    }
  };
}
