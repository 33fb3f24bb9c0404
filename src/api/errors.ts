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

/** 429: the person's plan allows no more requests today. */
export class QuotaExceededError extends LarderError {
  constructor(limit: number, retryAfterSeconds: number, plan: string) {
    super(
      'quota_exceeded',
      429,
      `The daily limit of ${limit} requests for the ${plan} plan is used up; it resets at midnight UTC.${plan === 'free' ? ' The pro plan allows many more.' : ''}`,
      { 'retry-after': String(retryAfterSeconds) },
    );
  }
}
