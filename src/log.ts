import { IncomingMessage, ServerResponse } from 'node:http';
import { Socket } from 'node:net';
import type { FastifyServerOptions } from 'fastify';
import pino from 'pino';
import type { Config } from './config.js';

const CENSOR = '[redacted]';

/**
 * Parameters whose values are secrets or one-time credentials, in query strings and form
 * bodies: OAuth (RFC 6749 codes and tokens, RFC 7636 verifiers, RFC 7521 assertions,
 * RFC 8693 token exchange), passwords and CSRF tokens.
 */
const SECRET_PARAM_NAMES = [
  'code',
  'state',
  'access_token',
  'refresh_token',
  'id_token',
  'id_token_hint',
  'token',
  'client_secret',
  'client_assertion',
  'assertion',
  'subject_token',
  'actor_token',
  'code_verifier',
  'password',
  '_csrf',
  'csrf',
];
const SECRET_PARAMS = new RegExp(`^(?:${SECRET_PARAM_NAMES.join('|')})$`, 'i');

/**
 * Field names whose values are secret wherever they appear in a logged object: headers
 * (Authorization, Cookie, Set-Cookie), bodies and parameters, whatever the nesting.
 * `code` and `state` are left to the parameter rules: `err.code` is an error code.
 */
const SECRET_FIELD = /^(?:.*password|passwd|.*secret|.*_token|token|tokens|code_verifier|.*assertion|_?csrf(?:_token)?|authorization|proxy-authorization|cookie|cookies|set-cookie|x-api-key|api[-_]?key)$/i;

/** What an error code looks like (ECONNRESET, FST_ERR_BAD_URL, 23505), as against an authorization code. */
const ERROR_CODE = /^[A-Z0-9_.-]{1,64}$/;

const names = SECRET_PARAM_NAMES.join('|');
const TEXT_RULES: Array<[RegExp, string]> = [
  // ?code=…&state=… in URLs, and form bodies quoted in messages.
  [new RegExp(`((?:^|[?&;\\s"'(])(?:${names})=)[^&#;\\s"'<>)]*`, 'gi'), `$1${CENSOR}`],
  // "password": "…" in JSON quoted in messages.
  [new RegExp(`("(?:${names}|\\w*secret|\\w*_token|authorization|cookie)"\\s*:\\s*")(?:[^"\\\\]|\\\\.)*"`, 'gi'), `$1${CENSOR}"`],
  // Authorization header values (RFC 6750 Bearer, RFC 7617 Basic, RFC 9449 DPoP).
  [/\b(Bearer|Basic|DPoP|Digest)\s+[A-Za-z0-9\-._~+/]+=*/gi, `$1 ${CENSOR}`],
  // Cookie and Set-Cookie header lines, and Larder's own cookies wherever they appear.
  [/\b((?:set-)?cookie\s*:\s*)[^\r\n]*/gi, `$1${CENSOR}`],
  [/\b(_?larder_[a-z_]+(?:\.sig)?=)[^;\s,"&]*/gi, `$1${CENSOR}`],
];

/** A text with every secret it quotes (URL parameters, credentials, cookies) replaced. */
export function redactText(text: string): string {
  let out = text;
  for (const [pattern, replacement] of TEXT_RULES) out = out.replace(pattern, replacement);
  return out;
}

/** The request path with secret query values replaced, for logs. */
export function redactUrl(url: string): string {
  const at = url.indexOf('?');
  if (at < 0) return url;
  const params = new URLSearchParams(url.slice(at + 1));
  for (const key of [...params.keys()]) if (SECRET_PARAMS.test(key)) params.set(key, CENSOR);
  return `${url.slice(0, at)}?${params.toString()}`;
}

const MAX_DEPTH = 8;
const MAX_ITEMS = 100;

/**
 * A copy of `value` fit for a log line: secret fields censored at any depth, secrets in
 * strings (URLs, messages, stacks) replaced, raw bytes (Node's `rawPacket` holds a whole
 * request, headers included) reduced to their length, requests and sockets to what
 * identifies them. Errors are serialized the way pino does first.
 */
export function scrub(value: unknown, depth = 0, seen: WeakSet<object> = new WeakSet()): unknown {
  if (typeof value === 'string') return redactText(value);
  if (value === null || typeof value !== 'object') return typeof value === 'function' ? undefined : value;
  if (seen.has(value)) return '[circular]';
  if (depth >= MAX_DEPTH) return '[nested too deep]';
  if (Buffer.isBuffer(value) || ArrayBuffer.isView(value)) return `[${value.byteLength} bytes]`;
  if (value instanceof IncomingMessage) return { method: value.method, url: redactUrl(value.url ?? '') };
  if (value instanceof ServerResponse) return { statusCode: value.statusCode };
  if (value instanceof Socket) return '[socket]';
  if (value instanceof Date) return value.toISOString();
  seen.add(value);
  if (value instanceof Error) return scrub(pino.stdSerializers.err(value), depth, seen);
  if (Array.isArray(value)) return value.slice(0, MAX_ITEMS).map((item) => scrub(item, depth + 1, seen));
  if (value instanceof Map) return scrub(Object.fromEntries([...value.entries()].slice(0, MAX_ITEMS)), depth, seen);
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value).slice(0, MAX_ITEMS)) {
    if (SECRET_FIELD.test(key) && item !== undefined && item !== null && item !== '') out[key] = CENSOR;
    else if (/^(?:code|state)$/i.test(key) && typeof item === 'string' && !ERROR_CODE.test(item)) out[key] = CENSOR;
    else if (/^(?:url|originalUrl|href|path)$/.test(key) && typeof item === 'string') out[key] = redactText(redactUrl(item));
    else out[key] = scrub(item, depth + 1, seen);
  }
  return out;
}

/** Fields with serializers of their own (Fastify's request and reply). */
const SERIALIZED_FIELDS = new Set(['req', 'res']);

/**
 * pino options: JSON lines, and nothing secret. Headers are not logged at all (they
 * carry bearer tokens, cookies, Basic credentials); URLs lose their secret parameters;
 * every other field and the message pass through `scrub`, so an error carrying a
 * request, a querystring or a body is logged without its secrets.
 */
export function loggerOptions(config: Pick<Config, 'logLevel'>): NonNullable<FastifyServerOptions['logger']> {
  return {
    level: config.logLevel,
    redact: {
      paths: ['req.headers.authorization', 'req.headers.cookie', 'res.headers["set-cookie"]'],
      censor: CENSOR,
    },
    formatters: {
      log(object: Record<string, unknown>) {
        const out: Record<string, unknown> = {};
        for (const [key, value] of Object.entries(object)) out[key] = SERIALIZED_FIELDS.has(key) ? value : scrub(value);
        return out;
      },
    },
    serializers: {
      req(request: { method: string; url: string; ip?: string; id?: string }) {
        return { id: request.id, method: request.method, url: redactText(redactUrl(request.url)), ip: request.ip };
      },
      // Reached already scrubbed through formatters.log; an Error here came another way.
      err: (error: unknown) => (error instanceof Error ? scrub(error) : error),
      msg: (message: unknown) => (typeof message === 'string' ? redactText(message) : message),
    },
  } as NonNullable<FastifyServerOptions['logger']>;
}

/**
 * Fastify's `logger` option: Larder's pino options, or none at all when logging is off
 * (`LOG_LEVEL=silent`). A silent pino writes nothing either, but Fastify still makes it a
 * child per request and listens for every response's end to log it; with no logger it
 * does neither (about 2 µs of every request), and `request.log` is a logger that does nothing.
 */
export function fastifyLoggerOption(config: Pick<Config, 'logLevel'>): NonNullable<FastifyServerOptions['logger']> {
  return config.logLevel === 'silent' ? false : loggerOptions(config);
}
