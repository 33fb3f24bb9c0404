import { IncomingMessage, type ServerResponse } from 'node:http';
import type { FastifyBaseLogger, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type Provider from 'oidc-provider';
import { isDatabaseUnavailable } from '../db/errors.js';
import type { KoaContextWithOIDC } from 'oidc-provider';
import type { Db } from '../db/index.js';
import { LarderError, NotFoundError } from '../errors.js';
import { MethodNotAllowedError, wrongMethod } from '../http/errors.js';
import { NulCharacterError } from '../http/refuse-nul.js';
import { requestPath, requestQuery } from '../http/request-path.js';
import { findClient } from './clients.js';
import { OAUTH_ROUTES } from './provider.js';
import { REQUEST_ID_HEADER } from '../ops/request-id.js';

/** Token-endpoint style requests whose JSON bodies Larder accepts as well as forms. */
const JSON_FRIENDLY_PATHS = new Set<string>([OAUTH_ROUTES.token, OAUTH_ROUTES.revocation, OAUTH_ROUTES.introspection]);

/** The largest body read before the hand-off: oidc-provider's own limit for forms (56 KiB). */
const BODY_LIMIT = 56 * 1024;

async function readAll(request: IncomingMessage, limit: number): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > limit) return undefined;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

/** A request the hand-off refuses before oidc-provider sees it, in RFC 6749 terms (section 5.2). */
class RefusedOAuthRequest extends LarderError {
  constructor(status: number, description: string) {
    super('invalid_request', status, description);
  }
}

const tooLarge = () => new RefusedOAuthRequest(413, `The request body is larger than ${BODY_LIMIT / 1024} KiB.`);
const hasNul = (text: string) => text.includes('\u0000');
/** PostgreSQL cannot hold U+0000 in text (see http/refuse-nul.ts): refused before any lookup. */
const nulRefused = (where: string) => new NulCharacterError(where);

/**
 * A fresh request on the same socket with the same headers and `body` as its form body,
 * for oidc-provider to read instead of the original (whose body was read here).
 */
function standIn(request: IncomingMessage, body: Buffer): IncomingMessage {
  const replacement = new IncomingMessage(request.socket);
  replacement.method = request.method;
  replacement.url = request.url;
  replacement.httpVersion = request.httpVersion;
  replacement.httpVersionMajor = request.httpVersionMajor;
  replacement.httpVersionMinor = request.httpVersionMinor;
  replacement.headers = { ...request.headers, 'content-type': 'application/x-www-form-urlencoded', 'content-length': String(body.length) };
  delete replacement.headers['transfer-encoding'];
  replacement.push(body);
  replacement.push(null);
  replacement.complete = true;
  // Destroying this stand-in must not destroy the socket it borrowed (the reply still needs it).
  replacement._destroy = (error: Error | null, callback: (error?: Error | null) => void) => callback(error);
  return replacement;
}

/**
 * ChatGPT's documentation and curl walk-throughs send the token request as JSON;
 * RFC 6749 section 4.1.3 says form encoding, which is all oidc-provider reads. The body
 * is converted to a form and handed over as a fresh request with the same socket and
 * headers. Only flat string (and number/boolean) values are meaningful in a token request.
 */
async function jsonRequestAsForm(request: IncomingMessage): Promise<IncomingMessage> {
  const body = await readAll(request, BODY_LIMIT);
  if (body === undefined) throw tooLarge();
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString('utf8'));
  } catch {
    throw new RefusedOAuthRequest(400, 'The request body is not valid JSON; send a JSON object or a form (application/x-www-form-urlencoded).');
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new RefusedOAuthRequest(400, 'The JSON body must be an object of parameters, such as {"grant_type": "authorization_code", ...}.');
  }
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(parsed as Record<string, unknown>)) {
    if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') params.append(name, String(value));
    else if (Array.isArray(value)) for (const item of value) if (typeof item === 'string') params.append(name, item);
  }
  for (const [name, value] of params) if (hasNul(name) || hasNul(value)) throw nulRefused('request body');
  return standIn(request, Buffer.from(params.toString(), 'utf8'));
}

/** A form body, read and checked before oidc-provider parses it, then handed over unchanged. */
async function checkedForm(request: IncomingMessage): Promise<IncomingMessage> {
  const body = await readAll(request, BODY_LIMIT);
  if (body === undefined) throw tooLarge();
  // A name or value decodes to U+0000 only from a raw 0 byte or `%00` (form decoding turns
  // `+` into a space and leaves a malformed escape as it is), so the bytes tell without parsing.
  if (body.includes(0) || body.includes('%00')) throw nulRefused('request body');
  return standIn(request, body);
}

/** RFC 6749 section 2.3.1: Basic credentials are form-encoded id and secret; a NUL in either is refused. */
function checkBasicCredentials(header: string | undefined): void {
  const encoded = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header ?? '')?.[1];
  if (!encoded) return;
  const decoded = Buffer.from(encoded, 'base64').toString('utf8');
  let parts: string[];
  try {
    parts = decoded.split(':').map((part) => decodeURIComponent(part.replace(/\+/g, ' ')));
  } catch {
    return; // oidc-provider answers invalid_client for credentials it cannot decode
  }
  if (hasNul(decoded) || parts.some(hasNul)) throw nulRefused('Authorization header');
}

/**
 * GPT Actions send an empty `scope=`; oidc-provider would grant nothing. An absent or
 * empty scope means the client's registered scopes (RFC 6749 section 3.3 lets the
 * server choose a default). Unknown clients are left for oidc-provider to reject.
 */
async function withDefaultScope(db: Db, rawUrl: string): Promise<string> {
  const url = new URL(rawUrl, 'http://larder.invalid');
  const scope = url.searchParams.get('scope');
  if (scope !== null && scope.trim() !== '') return rawUrl;
  const clientId = url.searchParams.get('client_id');
  if (!clientId || url.searchParams.getAll('client_id').length !== 1) return rawUrl;
  const client = await findClient(db, clientId);
  if (!client) return rawUrl;
  url.searchParams.set('scope', client.scopes.join(' '));
  return `${url.pathname}${url.search}`;
}

/**
 * What oidc-provider serves, by the route names its documentation lists, with the methods
 * each takes (GET implies HEAD). Paths come from the provider itself (`pathFor`), so a
 * route Larder renames or a feature it turns on or off is followed; a route whose feature
 * is off does not resolve and is left out.
 */
const PROVIDER_ENDPOINTS: ReadonlyArray<{ route: string; methods: readonly string[]; params?: Record<string, string>; forPeople?: true }> = [
  { route: 'authorization', methods: ['GET'], forPeople: true },
  { route: 'resume', methods: ['GET'], params: { uid: ':' }, forPeople: true },
  { route: 'token', methods: ['POST', 'OPTIONS'] },
  { route: 'jwks', methods: ['GET', 'OPTIONS'] },
  { route: 'revocation', methods: ['POST', 'OPTIONS'] },
  { route: 'introspection', methods: ['POST', 'OPTIONS'] },
  { route: 'pushed_authorization_request', methods: ['POST', 'OPTIONS'] },
  { route: 'registration', methods: ['POST'] },
  { route: 'client', methods: ['GET'], params: { clientId: ':' } },
  { route: 'client_update', methods: ['PUT'], params: { clientId: ':' } },
  { route: 'client_delete', methods: ['DELETE'], params: { clientId: ':' } },
  { route: 'userinfo', methods: ['GET', 'POST', 'OPTIONS'] },
  { route: 'end_session', methods: ['GET'], forPeople: true },
  { route: 'end_session_confirm', methods: ['POST'], forPeople: true },
  { route: 'end_session_success', methods: ['GET'], forPeople: true },
  { route: 'device_authorization', methods: ['POST', 'OPTIONS'] },
  { route: 'code_verification', methods: ['GET', 'POST'], forPeople: true },
  { route: 'device_resume', methods: ['GET'], params: { uid: ':' }, forPeople: true },
  { route: 'backchannel_authentication', methods: ['POST'] },
  { route: 'challenge', methods: ['POST', 'OPTIONS'] },
  { route: 'credential', methods: ['POST', 'OPTIONS'] },
];

/** Where the hand-off is mounted (every method): the provider's part of Larder's origin. */
const MOUNTED_PATHS: readonly string[] = ['/oauth', '/oauth/*', '/.well-known/openid-configuration', '/.well-known/oauth-authorization-server'];

/** Both metadata documents (RFC 8414 section 3, OpenID Connect Discovery 1.0 section 4), at fixed paths. */
const DISCOVERY_PATHS = ['/.well-known/openid-configuration', '/.well-known/oauth-authorization-server'] as const;

/** A provider path's segments; `null` stands for a parameter such as `:uid`. */
type Pattern = Array<string | null>;

/** What the provider serves at a path: the methods, and whether a person's browser comes there. */
export interface ProviderEndpoint {
  methods: string[];
  forPeople: boolean;
}

/** The methods each provider path takes, looked up the way oidc-provider's router matches. */
export class ProviderEndpoints {
  private readonly endpoints: Array<{ pattern: Pattern; methods: Set<string>; forPeople: boolean }> = [];

  constructor(provider: Provider) {
    const routes = provider as unknown as { pathFor(name: string, params?: Record<string, string>): string };
    const add = (path: string, methods: readonly string[], forPeople: boolean) => {
      const pattern = path.split('/').map((segment) => (segment === '%3A' ? null : segment.toUpperCase()));
      let entry = this.endpoints.find((e) => e.pattern.join('/') === pattern.join('/'));
      if (!entry) this.endpoints.push((entry = { pattern, methods: new Set(), forPeople }));
      for (const method of methods) entry.methods.add(method);
      if (methods.includes('GET')) entry.methods.add('HEAD');
    };
    for (const { route, methods, params, forPeople } of PROVIDER_ENDPOINTS) {
      let path: string;
      try {
        path = routes.pathFor(route, params);
      } catch {
        continue; // that feature is not enabled
      }
      add(path, methods, forPeople === true);
    }
    for (const path of DISCOVERY_PATHS) add(path, ['GET', 'OPTIONS'], false);
  }

  /** What the provider serves at `path`, or undefined when it serves nothing there. */
  /** Paths already looked up (every token request asks twice), bounded: paths come from clients. */
  private readonly found = new Map<string, ProviderEndpoint | undefined>();

  find(path: string): ProviderEndpoint | undefined {
    if (this.found.has(path)) return this.found.get(path);
    const endpoint = this.lookUp(path);
    if (endpoint) Object.freeze(Object.freeze(endpoint).methods);
    if (this.found.size < 256) this.found.set(path, endpoint);
    return endpoint;
  }

  private lookUp(path: string): ProviderEndpoint | undefined {
    // oidc-provider's router ignores case and one trailing slash.
    const trimmed = path.length > 1 && path.endsWith('/') ? path.slice(0, -1) : path;
    const segments = trimmed.toUpperCase().split('/');
    const methods = new Set<string>();
    let forPeople = false;
    for (const { pattern, methods: allowed, forPeople: people } of this.endpoints) {
      if (pattern.length !== segments.length) continue;
      if (!pattern.every((part, i) => (part === null ? segments[i] !== '' : part === segments[i]))) continue;
      for (const m of allowed) methods.add(m);
      forPeople ||= people;
    }
    return methods.size > 0 ? { methods: [...methods].sort(), forPeople } : undefined;
  }
}

/** The client hung up (mid-body, or before the answer): there is no one to answer, and nothing went wrong here. */
function clientWentAway(response: ServerResponse, error?: unknown): boolean {
  const code = (error as { code?: unknown } | undefined)?.code;
  return response.destroyed || response.socket === null || response.socket.destroyed || code === 'ECONNRESET' || code === 'ECONNABORTED' || code === 'ERR_STREAM_PREMATURE_CLOSE';
}

/**
 * Every security header of the pages goes on the provider's replies as well: set before
 * the provider runs (it extends the CSP with a hash for the script of its form_post page)
 * and again, for any it lacks, just before the status line is written, since Koa's last
 * resort error reply (`ctx.onerror`) removes every header set so far.
 */
function applySecurityHeaders(raw: ServerResponse, headers: Readonly<Record<string, string>>): void {
  for (const [name, value] of Object.entries(headers)) raw.setHeader(name, value);
  const writeHead = raw.writeHead;
  raw.writeHead = function writeHeadWithSecurityHeaders(this: ServerResponse, ...args: unknown[]) {
    for (const [name, value] of Object.entries(headers)) if (!this.hasHeader(name)) this.setHeader(name, value);
    return (writeHead as (...a: unknown[]) => ServerResponse).apply(this, args);
  } as ServerResponse['writeHead'];
}

/**
 * Mounts oidc-provider on Larder's origin. Each provider path is a Fastify route whose
 * onRequest hook hijacks the reply and hands the raw request to the provider, so
 * Fastify parses no body there (oidc-provider reads its own) and adds nothing to the reply.
 * Addresses and methods the provider does not serve are answered by Larder's error
 * handler first (JSON 404, or 405 with `Allow`), and the provider's failures go to
 * Larder's log rather than the console.
 */
export function mountProvider(app: FastifyInstance, options: { provider: Provider; db: Db }): void {
  const { provider, db } = options;
  const endpoints = new ProviderEndpoints(provider);
  const securityHeaders = app.securityHeaders;

  // The Fastify request behind each raw request the provider sees, for its logger (request id).
  const fastifyRequests = new WeakMap<IncomingMessage, FastifyRequest>();
  const logFor = (ctx: KoaContextWithOIDC | undefined): FastifyBaseLogger => (ctx?.req && fastifyRequests.get(ctx.req as IncomingMessage)?.log) || app.log;

  provider.on('server_error', (ctx: KoaContextWithOIDC, error: unknown) => {
    logFor(ctx).error({ err: error, oauthRoute: ctx?.oidc?.route }, 'OAuth request failed');
  });
  // Koa's own error event: errors no oidc-provider handler caught (Koa would print them to the console).
  provider.on('error', (error: unknown, ctx: KoaContextWithOIDC | undefined) => {
    if (ctx?.res && clientWentAway(ctx.res as ServerResponse, error)) logFor(ctx).debug({ clientError: (error as Error)?.message }, 'client went away during an OAuth request');
    else logFor(ctx).error({ err: error }, 'OAuth request failed outside the provider');
  });
  // The last line around the provider. Its router leaves what it does not answer as Koa's
  // bare `404 Not Found` (text/plain): an OPTIONS that is no CORS preflight gets its `Allow`
  // (RFC 9110 section 9.3.7), anything else a JSON 404. An error its own handlers let
  // through would be Koa's text/plain 500: it is logged and answered in RFC 6749 terms.
  provider.use(async (ctx, next) => {
    try {
      await next();
    } catch (error) {
      logFor(ctx).error({ err: error, oauthRoute: ctx.oidc?.route }, 'OAuth request failed');
      ctx.status = 500;
      ctx.body = { error: 'server_error', error_description: 'Larder could not complete this request. Please try again; if it keeps failing, tell the operator.' };
      return;
    }
    if (ctx.status !== 404 || ctx.body != null) return;
    const endpoint = endpoints.find(String(ctx.path));
    if (ctx.method === 'OPTIONS' && endpoint) {
      ctx.status = 204;
      ctx.set('allow', endpoint.methods.join(', '));
      return;
    }
    ctx.status = 404;
    ctx.body = { error: 'not_found', error_description: `Nothing is at ${String(ctx.method)} ${String(ctx.path).slice(0, 200)}.` };
  });

  const callback = provider.callback();

  const handOff = async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
    const path = requestPath(request.url);
    const endpoint = endpoints.find(path);
    if (!endpoint) {
      // Larder's own routes under /oauth (dynamic registration) caught here by another method.
      const wrong = wrongMethod(app, request.method, path);
      if (wrong) throw wrong;
      throw new NotFoundError(`Nothing is at ${request.method} ${path.slice(0, 200)}.`);
    }
    if (!endpoint.methods.includes(request.method)) throw new MethodNotAllowedError(request.method, path, endpoint.methods);
    // Only a person's browser gets oidc-provider's error page (it renders one for any
    // Accept that prefers HTML); the token, revocation, introspection and other endpoints
    // answer programs, in JSON (RFC 6749 section 5.2, RFC 7009 section 2.2.1, RFC 7662 section 2.3).
    if (!endpoint.forPeople) request.raw.headers.accept = 'application/json';
    // The resume step (/oauth/authorize/:uid) reads its parameters from the interaction it
    // resumes, never from a query; oidc-provider 9.13's error handler for that step fails
    // with a TypeError (a 500) when a query names a client (reading params it has not set).
    if (path.startsWith(`${OAUTH_ROUTES.authorization}/`) && request.raw.url?.includes('?')) request.raw.url = path;

    let incoming = request.raw;
    if (incoming.method === 'POST' && !endpoint.forPeople) {
      checkBasicCredentials(incoming.headers.authorization);
      const type = incoming.headers['content-type'] ?? '';
      try {
        if (JSON_FRIENDLY_PATHS.has(path) && /^application\/json\b/i.test(type)) incoming = await jsonRequestAsForm(incoming);
        else if (/^application\/x-www-form-urlencoded\b/i.test(type)) incoming = await checkedForm(incoming);
      } catch (error) {
        if (!clientWentAway(reply.raw, error)) throw error;
        // Nobody is left to answer (a hang-up mid-body): nothing is written, nothing went wrong here.
        reply.hijack();
        request.log.debug('client went away before its OAuth request was read');
        return;
      }
    }
    if (path === OAUTH_ROUTES.authorization && incoming.method === 'GET') {
      const query = requestQuery(incoming.url ?? '');
      incoming.url = await withDefaultScope(db, query ? `${path}?${query}` : path).catch((error: unknown) => {
        // The provider meets the same outage when it looks up the client, and answers it (provider.ts).
        if (isDatabaseUnavailable(error)) return incoming.url;
        throw error;
      });
    }

    // From here on the provider answers, on the raw reply.
    reply.hijack();
    // Fastify's headers are not written on a hijacked reply: the request id goes on the raw one.
    reply.raw.setHeader(REQUEST_ID_HEADER, request.id);
    applySecurityHeaders(reply.raw, securityHeaders);
    fastifyRequests.set(request.raw, request);
    fastifyRequests.set(incoming, request);
    callback(incoming, reply.raw);
  };

  const noop = async (): Promise<void> => undefined;
  for (const url of MOUNTED_PATHS) {
    app.all(url, { onRequest: handOff, schema: { hide: true }, config: { unlistedMethods: true } }, noop);
  }
}
