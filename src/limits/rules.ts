import type { LimitRule } from './limiter.js';

/**
 * Every limit Larder applies, in one place. Addresses are `request.ip`, which honours
 * TRUST_PROXY (an address a client wrote into X-Forwarded-For is never used).
 */
export const LIMITS = {
  /** POST /register per address: each costs an argon2 hash and, with mail, an email. */
  registration: { name: 'register', limit: 10, windowSeconds: 60 * 60 },
  /**
   * Failed token requests (invalid_grant, invalid_client) per address. Generous: ChatGPT
   * calls from a few shared addresses, and a revoked app's refresh fails legitimately.
   */
  tokenFailures: { name: 'oauth-token-failure', limit: 60, windowSeconds: 5 * 60 },
  /** POST /oauth/register (RFC 7591 dynamic client registration) per address. */
  clientRegistration: { name: 'oauth-register', limit: 20, windowSeconds: 60 * 60 },
  /** Log-in attempts per address from browsers not known to the account tried. */
  loginAddress: { name: 'login-address', limit: 30, windowSeconds: 15 * 60 },
  /** Log-in attempts per account from unfamiliar browsers: never applies to the owner's known browsers. */
  loginAccount: { name: 'login-account', limit: 5, windowSeconds: 15 * 60 },
  /** Failed log-ins per known-browser cookie, in case the cookie itself was stolen. */
  loginDevice: { name: 'login-device', limit: 10, windowSeconds: 15 * 60 },
  /** Wrong current passwords on /account (changing password or email), per account. */
  passwordCheck: { name: 'account-password', limit: 10, windowSeconds: 15 * 60 },
  /** Messages Larder sends to one address (confirmations, notices, reset links): no mail bombing. */
  mailRecipient: { name: 'mail-to', limit: 5, windowSeconds: 60 * 60 },
  /** "Forgot password" requests per address. */
  passwordResetRequest: { name: 'forgot', limit: 10, windowSeconds: 60 * 60 },
} as const satisfies Record<string, LimitRule>;
