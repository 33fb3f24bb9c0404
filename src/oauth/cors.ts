import type { FastifyInstance, FastifyReply, FastifyRequest, HookHandlerDoneFunction } from 'fastify';
import { requestPath } from '../http/request-path.js';

/**
 * CORS for MCP clients that run in a browser (the MCP Inspector, web IDEs): they read
 * the metadata documents, register and redeem codes from another origin. Larder answers
 * without credentials (no cookies ever travel cross-origin: `Access-Control-Allow-Origin:
 * *` forbids them) and names the request headers it accepts rather than echoing
 * whatever a preflight asks for.
 */

/** Request headers browser MCP clients send (MCP transports; RFC 6750; RFC 9449 DPoP). */
export const CORS_ALLOWED_HEADERS: readonly string[] = [
  'Authorization',
  'Content-Type',
  'Accept',
  'MCP-Protocol-Version',
  'Mcp-Session-Id',
  'Mcp-Method',
  'Mcp-Name',
  'Last-Event-ID',
  'DPoP',
];

/** Response headers a browser client must be able to read (challenges, sessions, limits). */
export const CORS_EXPOSED_HEADERS: readonly string[] = ['WWW-Authenticate', 'Mcp-Session-Id', 'MCP-Protocol-Version', 'Retry-After', 'DPoP-Nonce'];

const PREFLIGHT_MAX_AGE_SECONDS = 600;

export interface CorsRoute {
  path: string;
  methods: readonly string[];
  /**
   * `any`: Larder adds `Access-Control-Allow-Origin: *` to the answers.
   * `provider`: only preflights are answered here; oidc-provider decides the answer's
   * CORS itself (clientBasedCORS: the origin must be one of the client's redirect URIs').
   */
  answers: 'any' | 'provider';
}

/** Headers of a preflight answer (Fetch standard, CORS protocol). */
export function preflightHeaders(methods: readonly string[]): Record<string, string> {
  return {
    'access-control-allow-origin': '*',
    'access-control-allow-methods': [...methods, 'OPTIONS'].join(', '),
    'access-control-allow-headers': CORS_ALLOWED_HEADERS.join(', '),
    'access-control-max-age': String(PREFLIGHT_MAX_AGE_SECONDS),
  };
}

/** Headers for an actual cross-origin answer. */
export function corsResponseHeaders(): Record<string, string> {
  return { 'access-control-allow-origin': '*', 'access-control-expose-headers': CORS_EXPOSED_HEADERS.join(', ') };
}

function isPreflight(request: FastifyRequest): boolean {
  return request.method === 'OPTIONS' && request.headers.origin !== undefined && request.headers['access-control-request-method'] !== undefined;
}

/**
 * Answers preflights for `routes` and adds CORS headers to their answers. Headers go on
 * the raw response: OAuth endpoints are answered by oidc-provider on a hijacked reply.
 *
 * @example installCors(app, [{ path: '/mcp', methods: ['GET', 'POST', 'DELETE'], answers: 'any' }]);
 */
export function installCors(app: FastifyInstance, routes: readonly CorsRoute[]): void {
  const byPath = new Map(routes.map((route) => [route.path, route]));
  app.addHook('onRequest', (request: FastifyRequest, reply: FastifyReply, done: HookHandlerDoneFunction) => {
    const route = byPath.get(requestPath(request.url));
    if (!route) return done();
    if (isPreflight(request)) {
      // Answered here: the request goes no further (Fastify's rule for a hook that sends).
      const asked = String(request.headers['access-control-request-method']).toUpperCase();
      if (!route.methods.includes(asked)) return void reply.code(405).header('allow', [...route.methods, 'OPTIONS'].join(', ')).send();
      return void reply.code(204).headers(preflightHeaders(route.methods)).send();
    }
    if (route.answers === 'any' && request.headers.origin !== undefined) {
      for (const [name, value] of Object.entries(corsResponseHeaders())) reply.raw.setHeader(name, value);
    }
    done();
  });
}

/** The OAuth and metadata endpoints browser-based MCP clients call (the list). */
export function oauthCorsRoutes(): CorsRoute[] {
  return [
    { path: '/.well-known/oauth-authorization-server', methods: ['GET'], answers: 'any' },
    { path: '/.well-known/openid-configuration', methods: ['GET'], answers: 'any' },
    { path: '/.well-known/oauth-protected-resource', methods: ['GET'], answers: 'any' },
    { path: '/.well-known/oauth-protected-resource/api', methods: ['GET'], answers: 'any' },
    { path: '/.well-known/oauth-protected-resource/mcp', methods: ['GET'], answers: 'any' },
    { path: '/oauth/jwks', methods: ['GET'], answers: 'any' },
    { path: '/oauth/register', methods: ['POST'], answers: 'any' },
    { path: '/oauth/token', methods: ['POST'], answers: 'provider' },
    { path: '/oauth/revoke', methods: ['POST'], answers: 'provider' },
  ];
}
