import type { FastifyInstance } from 'fastify';

/**
 * Headers on every response. The CSP allows no inline script or style and no other
 * origin; pages never appear in frames (clickjacking of the consent page).
 */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'content-security-policy':
    "default-src 'none'; style-src 'self'; img-src 'self' data:; script-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'cross-origin-opener-policy': 'same-origin',
  'permissions-policy': 'camera=(), microphone=(), geolocation=()',
};

/** RFC 6797: once a browser has seen Larder over HTTPS, it never tries plain HTTP again. */
const STRICT_TRANSPORT_SECURITY = 'max-age=31536000';

/**
 * Every security header of this deployment: the fixed set, and HSTS when Larder is
 * served over HTTPS (RFC 6797 section 7.2: HSTS means nothing on plain HTTP).
 */
export function securityHeadersFor(options: { https: boolean }): Readonly<Record<string, string>> {
  return options.https ? { ...SECURITY_HEADERS, 'strict-transport-security': STRICT_TRANSPORT_SECURITY } : SECURITY_HEADERS;
}

declare module 'fastify' {
  interface FastifyInstance {
    /**
     * The headers every reply carries, for code that writes replies outside Fastify's
     * hooks (the raw hand-off to oidc-provider in oauth/mount.ts).
     */
    securityHeaders: Readonly<Record<string, string>>;
  }
}

/**
 * Puts the security headers on every reply Fastify sends (a route may set its own value
 * first, such as the consent page's wider `form-action`) and publishes the same set as
 * `app.securityHeaders` for replies Fastify does not send.
 */
export function installSecurityHeaders(app: FastifyInstance, options: { https: boolean }): void {
  const headers = securityHeadersFor(options);
  app.decorate('securityHeaders', headers);
  const entries = Object.entries(headers);
  app.addHook('onSend', async (_request, reply, payload) => {
    for (const [name, value] of entries) {
      if (!reply.hasHeader(name)) reply.header(name, value);
    }
    return payload;
  });
}
