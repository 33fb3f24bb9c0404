import { IncomingMessage } from 'node:http';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type Provider from 'oidc-provider';
import { isDatabaseUnavailable } from '../db/errors.js';
import type { Db } from '../db/index.js';
import { SECURITY_HEADERS } from '../http/security-headers.js';
import { findClient } from './clients.js';
import { OAUTH_ROUTES } from './provider.js';

/** Token-endpoint style requests whose JSON bodies Larder accepts as well as forms. */
const JSON_FRIENDLY_PATHS = new Set<string>([OAUTH_ROUTES.token, OAUTH_ROUTES.revocation, OAUTH_ROUTES.introspection]);

/** The largest JSON body converted (oidc-provider's own limit for forms is 56 KiB). */
const JSON_BODY_LIMIT = 56 * 1024;

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

/**
 * ChatGPT's documentation and curl walk-throughs send the token request as JSON;
 * RFC 6749 section 4.1.3 says form encoding, which is all oidc-provider reads. The body
 * is converted to a form and handed over as a fresh request with the same socket and
 * headers. Only flat string (and number/boolean) values are meaningful in a token request.
 */
/** A JSON body Larder cannot turn into a token request: answered at once, in RFC 6749 terms. */
class UnreadableJsonBody extends Error {
  constructor(readonly status: number, readonly description: string) {
    super(description);
  }
}

async function jsonRequestAsForm(request: IncomingMessage): Promise<IncomingMessage> {
  const body = await readAll(request, JSON_BODY_LIMIT);
  if (body === undefined) throw new UnreadableJsonBody(413, `The request body is larger than ${JSON_BODY_LIMIT / 1024} KiB.`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString('utf8'));
  } catch {
    throw new UnreadableJsonBody(400, 'The request body is not valid JSON; send a JSON object or a form (application/x-www-form-urlencoded).');
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new UnreadableJsonBody(400, 'The JSON body must be an object of parameters, such as {"grant_type": "authorization_code", ...}.');
  }
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(parsed as Record<string, unknown>)) {
    if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') params.append(name, String(value));
    else if (Array.isArray(value)) for (const item of value) if (typeof item === 'string') params.append(name, item);
  }
  const form = params.toString();
  const replacement = new IncomingMessage(request.socket);
  replacement.method = request.method;
  replacement.url = request.url;
  replacement.httpVersion = request.httpVersion;
  replacement.httpVersionMajor = request.httpVersionMajor;
  replacement.httpVersionMinor = request.httpVersionMinor;
  const buffer = Buffer.from(form, 'utf8');
  replacement.headers = { ...request.headers, 'content-type': 'application/x-www-form-urlencoded', 'content-length': String(buffer.length) };
  delete replacement.headers['transfer-encoding'];
  replacement.push(buffer);
  replacement.push(null);
  replacement.complete = true;
  // Destroying this stand-in must not destroy the socket it borrowed (the reply still needs it).
  replacement._destroy = (error: Error | null, callback: (error?: Error | null) => void) => callback(error);
  return replacement;
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

const HANDED_OFF_METHODS = ['GET', 'POST', 'OPTIONS', 'DELETE', 'PUT'] as const;

/**
 * Mounts oidc-provider on Larder's origin. Each provider path is a Fastify route whose
 * onRequest hook hijacks the reply and hands the raw request to the provider, so
 * Fastify parses no body there (oidc-provider reads its own) and adds nothing to the reply.
 */
export function mountProvider(app: FastifyInstance, options: { provider: Provider; db: Db }): void {
  const { provider, db } = options;
  const callback = provider.callback();

  const handOff = async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
    reply.hijack();
    const raw = reply.raw;
    for (const [name, value] of Object.entries(SECURITY_HEADERS)) raw.setHeader(name, value);
    let incoming = request.raw;
    try {
      const path = (incoming.url ?? '/').split('?')[0] ?? '/';
      if (path === '/.well-known/oauth-authorization-server') {
        // RFC 8414 metadata: the same document as OpenID discovery.
        incoming.url = `/.well-known/openid-configuration${(incoming.url ?? '').slice(path.length)}`;
      }
      if (path === OAUTH_ROUTES.authorization && incoming.method === 'GET') {
        incoming.url = await withDefaultScope(db, incoming.url ?? path).catch((error: unknown) => {
          // The provider meets the same outage when it looks up the client, and answers it (provider.ts).
          if (isDatabaseUnavailable(error)) return incoming.url;
          throw error;
        });
      }
      if (JSON_FRIENDLY_PATHS.has(path) && incoming.method === 'POST' && /^application\/json\b/i.test(incoming.headers['content-type'] ?? '')) {
        incoming = await jsonRequestAsForm(incoming);
      }
    } catch (error) {
      if (error instanceof UnreadableJsonBody) {
        raw.statusCode = error.status;
        raw.setHeader('content-type', 'application/json; charset=utf-8');
        raw.setHeader('cache-control', 'no-store');
        raw.end(JSON.stringify({ error: 'invalid_request', error_description: error.description }));
        return;
      }
      request.log.error({ err: error }, 'could not prepare an OAuth request');
      raw.statusCode = 500;
      raw.setHeader('content-type', 'application/json; charset=utf-8');
      raw.end(JSON.stringify({ error: 'server_error', error_description: 'Larder could not read this request.' }));
      return;
    }
    callback(incoming, raw);
  };

  const noop = async (): Promise<void> => undefined;
  for (const url of ['/oauth/*', '/.well-known/openid-configuration', '/.well-known/oauth-authorization-server']) {
    app.route({ method: [...HANDED_OFF_METHODS], url, onRequest: handOff, handler: noop, schema: { hide: true } });
  }
}
