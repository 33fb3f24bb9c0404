import type { FastifyReply, FastifyRequest } from 'fastify';
import { dailyQuotaFor, type Plan } from '../../accounts/plans.js';
import type { UsageLedger } from '../usage-ledger.js';

/**
 * The IETF RateLimit fields (draft-ietf-httpapi-ratelimit-headers, the three-field form) on
 * every reply to a known caller, so an assistant can pace itself before it meets a 429:
 *
 * - `RateLimit-Limit`: the person's daily quota (their plan's, src/accounts/plans.ts);
 * - `RateLimit-Remaining`: what is left of it today, after this request;
 * - `RateLimit-Reset`: seconds until it resets (midnight UTC).
 *
 * Remaining comes from this process's quota block (UsageLedger.knownRemaining): exact with
 * one instance; with several it may be off by what the other instances hold or admitted
 * since this one last claimed (at most a block each: 1,000 requests, or an eighth of what
 * remained), never deciding an admission. A reply that counted nothing (a scope refused, an
 * MCP `tools/list`) and finds no block reads the shared counter once. A 503 gets none: the
 * database it would read is what failed. `quotaFieldsNow` is the step (at once unless it
 * reads the counter; run-steps.ts), `quotaFields` the same as an async hook.
 */
export function quotaFieldsNow(usage: UsageLedger, quotas: Readonly<Record<Plan, number>>) {
  const write = (reply: FastifyReply, limit: number, remaining: number, now: number): void => {
    reply.header('ratelimit-limit', String(limit));
    reply.header('ratelimit-remaining', String(remaining));
    reply.header('ratelimit-reset', String(secondsUntil(usage.resetsAt(now), now)));
  };
  return function quotaFieldsStep(request: FastifyRequest, reply: FastifyReply, payload: unknown): unknown {
    const caller = request.apiCaller;
    if (!caller || reply.statusCode === 503) return payload;
    const limit = dailyQuotaFor(caller.user.plan, quotas);
    const now = Date.now();
    const remaining = reply.statusCode === 429 ? 0 : usage.knownRemaining(caller.user.id, limit, now);
    if (remaining !== undefined) {
      write(reply, limit, remaining, now);
      return payload;
    }
    return usage.readRemaining(caller.user.id, limit, now).then(
      (read) => {
        write(reply, limit, read, now);
        return payload;
      },
      (error: unknown) => {
        // The fields are advice; the answer itself goes out without them.
        request.log.warn({ err: error }, 'could not read the quota for RateLimit fields');
        return payload;
      },
    );
  };
}

/** quotaFieldsNow as an async hook. */
export function quotaFields(usage: UsageLedger, quotas: Readonly<Record<Plan, number>>) {
  const step = quotaFieldsNow(usage, quotas);
  return async function quotaFieldsStep(request: FastifyRequest, reply: FastifyReply, payload: unknown): Promise<unknown> {
    return step(request, reply, payload);
  };
}

/** Whole seconds to `at`, at least 1 (a reset "in 0 seconds" would invite an immediate retry). */
export function secondsUntil(at: number, now: number): number {
  return Math.max(1, Math.ceil((at - now) / 1000));
}
