import { LarderError } from '../errors.js';

/**
 * Over a rate limit: 429 with Retry-After (RFC 6585 section 4, RFC 9110 section 10.2.3).
 * Pages and the API answer `too_many_requests`.
 */
export class RateLimitedError extends LarderError {
  readonly retryAfterSeconds: number;

  constructor(retryAfterSeconds: number, description: string, code = 'too_many_requests') {
    super(code, 429, description, { 'retry-after': String(retryAfterSeconds) });
    this.name = 'RateLimitedError';
    this.retryAfterSeconds = retryAfterSeconds;
  }
}

/**
 * The same refusal on an OAuth endpoint. RFC 6749 registers no rate-limit code; its
 * `temporarily_unavailable` (section 4.1.2.1) is the registered code that means "try
 * again later", which Retry-After then makes precise.
 */
export class OAuthRateLimitedError extends RateLimitedError {
  constructor(retryAfterSeconds: number, description: string) {
    super(retryAfterSeconds, description, 'temporarily_unavailable');
    this.name = 'OAuthRateLimitedError';
  }
}

export function waitText(seconds: number): string {
  if (seconds < 90) return `${seconds} second${seconds === 1 ? '' : 's'}`;
  const minutes = Math.ceil(seconds / 60);
  return `${minutes} minute${minutes === 1 ? '' : 's'}`;
}
