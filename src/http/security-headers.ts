import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { isResourceServerPath, requestPath } from './request-path.js';
import { routeOf } from './route-of.js';

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

/**
 * The headers of a JSON answer of the resource servers (every route of the API and /mcp
 * contexts: `jsonReplies`), the set OWASP's REST Security Cheat Sheet asks of an API: no
 * sniffing the JSON into something a browser runs, no framing, and a CSP that allows
 * nothing, should a browser ever be sent there. Referrer-Policy, COOP and
 * Permissions-Policy govern what a document does (links it follows, windows it opens,
 * features it uses); a JSON body does none of it, and leaving them out is 230 bytes less
 * on every answer an assistant gets. HSTS is added over HTTPS as on every other reply.
 */
export const API_SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'content-security-policy': "default-src 'none'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
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

/** The resource servers' JSON answers' headers (API_SECURITY_HEADERS), with HSTS over HTTPS. */
export function apiSecurityHeadersFor(options: { https: boolean }): Readonly<Record<string, string>> {
  return options.https ? { ...API_SECURITY_HEADERS, 'strict-transport-security': STRICT_TRANSPORT_SECURITY } : API_SECURITY_HEADERS;
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

declare module 'fastify' {
  interface FastifyReply {
    /** Whether the request entry hook put the security headers on this reply (installSecurityHeaders). */
    larderSecured: boolean;
  }
}

/**
 * Puts the security headers on every reply Fastify sends and publishes the same set as
 * `app.securityHeaders` for replies Fastify does not send. The routes of the protected
 * contexts (`jsonReplies`: the API, /mcp) get the shorter set of their JSON answers.
 *
 * The headers are set as the request comes in (the returned step, which the request entry
 * hook runs first of all), so a route or hook that sets its own value later (the consent
 * page's wider `form-action`) simply replaces it, and the reply needs no `hasHeader` per
 * header as it leaves (Fastify's asks the raw response too: 1.5 µs for the six of a page,
 * more than setting them). Should a reply ever leave without that step having run, the
 * `onSend` hook puts on whichever of them it lacks. In the same `onSend` hook (one
 * dispatch less per request): `Cache-Control: no-store` on every reply under the resource
 * servers' paths, their errors and unknown addresses included (no-store.ts), set last so
 * that no route's own Cache-Control there outlives it.
 */
export function installSecurityHeaders(app: FastifyInstance, options: { https: boolean }): (request: FastifyRequest, reply: FastifyReply) => void {
  const headers = securityHeadersFor(options);
  app.decorate('securityHeaders', headers);
  app.decorateReply('larderSecured', false);
  const names = Object.keys(headers);
  const values = Object.values(headers);
  const api = apiSecurityHeadersFor(options);
  const apiNames = Object.keys(api);
  const apiValues = Object.values(api);
  app.addHook('onSend', (request, reply, payload, done) => {
    const json = routeOf(request).config?.jsonReplies === true;
    if (!reply.larderSecured) {
      const these = json ? apiNames : names;
      const theirValues = json ? apiValues : values;
      for (let i = 0; i < these.length; i++) {
        const name = these[i]!;
        if (!reply.hasHeader(name)) reply.header(name, theirValues[i]!);
      }
    }
    // A protected context's route is under a resource server's path by construction.
    if (json || isResourceServerPath(requestPath(request.url))) reply.header('cache-control', 'no-store');
    done(null, payload);
  });
  return function secure(request, reply) {
    const json = routeOf(request).config?.jsonReplies === true;
    const these = json ? apiNames : names;
    const theirValues = json ? apiValues : values;
    for (let i = 0; i < these.length; i++) reply.header(these[i]!, theirValues[i]!);
    reply.larderSecured = true;
  };
}
