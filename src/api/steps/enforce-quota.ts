import type { FastifyRequest } from 'fastify';
import { dailyQuotaFor, type Plan } from '../../accounts/plans.js';
import type { Db } from '../../db/index.js';
import { callerOf } from '../caller.js';
import { QuotaExceededError } from '../errors.js';
import { countRequestsToday, utcDay } from '../usage.js';

/** Step 5: the person's plan allows another request today (429 with Retry-After otherwise). */
export function enforceQuota(db: Db, quotas: Readonly<Record<Plan, number>>) {
  return async function enforceQuotaStep(request: FastifyRequest): Promise<void> {
    const { user } = callerOf(request);
    const limit = dailyQuotaFor(user.plan, quotas);
    const now = new Date();
    if ((await countRequestsToday(db, user.id, now)) >= limit) {
      throw new QuotaExceededError(limit, Math.max(1, Math.ceil((utcDay(now).end - now.getTime()) / 1000)), user.plan);
    }
  };
}
