import type { FastifyRequest } from 'fastify';
import { dailyQuotaFor, type Plan } from '../../accounts/plans.js';
import { callerOf } from '../caller.js';
import { QuotaExceededError } from '../errors.js';
import type { UsageLedger } from '../usage-ledger.js';
import { secondsUntil } from './quota-fields.js';

/**
 * Step 5: the person's plan allows another request today (429 with Retry-After, and what
 * to do about it, otherwise).
 * The ledger admits it from this process's claim on the day's shared counter, so the
 * quota holds across every instance without a database round trip per request.
 */
export function enforceQuota(usage: UsageLedger, quotas: Readonly<Record<Plan, number>>) {
  return async function enforceQuotaStep(request: FastifyRequest): Promise<void> {
    const { user } = callerOf(request);
    const limit = dailyQuotaFor(user.plan, quotas);
    const now = Date.now();
    if (!(await usage.admit(user.id, limit, now))) {
      throw new QuotaExceededError(limit, secondsUntil(usage.resetsAt(now), now), user.plan, quotas, now);
    }
  };
}
