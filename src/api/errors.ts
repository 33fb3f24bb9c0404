import { dailyQuotaFor, PLANS, type Plan } from '../accounts/plans.js';
import { LarderError } from '../errors.js';
import type { ProtectedResource } from './protected-resource.js';

function quoted(value: string): string {
  return `"${value.replace(/[\\"]/g, "'")}"`;
}

/** RFC 6750 section 3: `WWW-Authenticate: Bearer realm="Larder", error="…", …`. */
function bearerChallenge(error: string, description: string, extra: Record<string, string>): Record<string, string> {
  const params = { realm: 'Larder', error, error_description: description, ...extra };
  return { 'www-authenticate': `Bearer ${Object.entries(params).map(([name, value]) => `${name}=${quoted(value)}`).join(', ')}` };
}

/** 401: a missing, malformed, expired or revoked token, or one issued for another resource. */
export class InvalidTokenError extends LarderError {
  constructor(description: string, resource?: ProtectedResource) {
    // SPEC.md: every missing, malformed, expired or revoked token gets error="invalid_token".
    super('invalid_token', 401, description, bearerChallenge('invalid_token', description, resource?.challenge.invalidToken ?? {}));
  }
}

/** 403: the token is fine but was not granted every scope this request needs. */
export class InsufficientScopeError extends LarderError {
  readonly needed: readonly string[];
  /** `askFor`: the challenge's `scope`, by default the scopes needed; a resource may add those already granted. */
  constructor(needed: readonly string[], resource?: ProtectedResource, askFor: readonly string[] = needed) {
    const description = `This request needs the scope ${needed.join(' ')}; connect the app again and allow it.`;
    // RFC 6750 section 3.1: `scope` names the scopes to ask for, so a client can ask for all at once.
    super('insufficient_scope', 403, description, bearerChallenge('insufficient_scope', description, { scope: askFor.join(' '), ...(resource?.challenge.insufficientScope ?? {}) }));
    this.needed = needed;
  }
}

/**
 * 429: the person's plan allows no more requests today. Says when it resets (also as
 * Retry-After, and the RateLimit fields: steps/quota-fields.ts) and how to get more: the
 * plans with a higher quota (src/accounts/plans.ts), which the operator sets.
 */
export class QuotaExceededError extends LarderError {
  constructor(limit: number, retryAfterSeconds: number, plan: Plan, quotas: Readonly<Record<Plan, number>>, now = Date.now()) {
    const resetsAt = new Date(now + retryAfterSeconds * 1000);
    resetsAt.setUTCSeconds(0, 0);
    const when = `it resets at midnight UTC (in ${inHoursAndMinutes(retryAfterSeconds)}, ${resetsAt.toISOString().replace(':00.000Z', 'Z')})`;
    const bigger = PLANS.filter((other) => dailyQuotaFor(other, quotas) > limit);
    const more =
      bigger.length > 0
        ? `For more, ask the operator of this Larder to move the account to the ${bigger.map((other) => `${other} plan (${dailyQuotaFor(other, quotas)} requests a day)`).join(' or the ')}.`
        : `The ${plan} plan has the highest quota: wait for the reset.`;
    super('quota_exceeded', 429, `The daily limit of ${limit} requests for the ${plan} plan is used up; ${when}. ${more}`, { 'retry-after': String(retryAfterSeconds) });
  }
}

function inHoursAndMinutes(seconds: number): string {
  const minutes = Math.ceil(seconds / 60);
  const hours = Math.floor(minutes / 60);
  return hours > 0 ? `${hours} h ${minutes % 60} min` : `${minutes} min`;
}
