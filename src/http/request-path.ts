/**
 * "Which part of Larder is this request for?" answered once, from the path, never from
 * the raw request target: RFC 9112 section 3.2.2 requires a server to accept the
 * absolute form (`GET http://host/api/me HTTP/1.1`), which Node and Fastify route by its
 * path but leave whole in `request.url`.
 */

/** `scheme://authority` at the start of an absolute-form target (RFC 9112 section 3.2.2). */
const ABSOLUTE_FORM = /^[a-z][a-z0-9+.-]*:\/\/[^/?#]*/i;

/**
 * The path of a request target, without query or fragment: `/api/me` for `/api/me?x=1`
 * and for `http://larder.example/api/me`.
 *
 * @example requestPath('http://127.0.0.1:3000/api/me?x=1') // '/api/me'
 */
export function requestPath(target: string): string {
  // The origin form (`/path?query`), what nearly every request sends: no pattern to run.
  if (target.charCodeAt(0) === 0x2f) {
    const query = target.indexOf('?');
    const fragment = target.indexOf('#');
    const end = query < 0 ? fragment : fragment < 0 ? query : Math.min(query, fragment);
    return end < 0 ? target : target.slice(0, end);
  }
  const origin = ABSOLUTE_FORM.exec(target);
  const rest = origin ? target.slice(origin[0].length) : target;
  const end = rest.search(/[?#]/);
  const path = end < 0 ? rest : rest.slice(0, end);
  return origin && path === '' ? '/' : path;
}

/** The query string of a request target (without `?`), or '' when it has none. */
export function requestQuery(target: string): string {
  const at = target.indexOf('?');
  if (at < 0) return '';
  const end = target.indexOf('#', at);
  return end < 0 ? target.slice(at + 1) : target.slice(at + 1, end);
}

function under(path: string, prefix: string): boolean {
  return path === prefix || path.startsWith(`${prefix}/`);
}

/**
 * The resource servers: answers about one person, for one app (`/api`, and `/mcp`, the
 * same operations for MCP clients). Their replies are personal and never cached.
 */
export const RESOURCE_SERVER_PREFIXES = ['/api', '/mcp'] as const;

export function isResourceServerPath(path: string): boolean {
  return under(path, RESOURCE_SERVER_PREFIXES[0]) || under(path, RESOURCE_SERVER_PREFIXES[1]);
}

/**
 * Where machines are the callers and errors are JSON `{error, error_description}`: the
 * resource servers, the authorization server (`/oauth`), metadata (`/.well-known`),
 * documents (`*.json`) and Prometheus' `/metrics`. Everything else is a page for people,
 * with HTML errors.
 */
export function isJsonPath(path: string): boolean {
  return isResourceServerPath(path) || under(path, '/oauth') || under(path, '/.well-known') || path.endsWith('.json') || path === '/metrics';
}
