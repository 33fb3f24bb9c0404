import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { DatabaseUnavailableError, isDatabaseUnavailable } from '../db/errors.js';
import { LarderError } from '../errors.js';
import { preparePage } from '../views/page-context.js';
import type { Views } from '../views/render.js';
import { isJsonPath, isResourceServerPath, requestPath } from './request-path.js';
import { installRouteMethods } from './route-methods.js';
import { routeOf } from './route-of.js';

/** Requests answered with JSON errors; everything else is a page and gets an HTML error page. */
export function wantsJson(request: FastifyRequest): boolean {
  // Routes of a protected context (the API, /mcp) say so; unmatched URLs go by their path.
  if (routeOf(request).config?.jsonReplies === true) return true;
  return isJsonPath(requestPath(request.url));
}

/** A method a known address does not take: RFC 9110 section 15.5.6 asks for `Allow`. */
export class MethodNotAllowedError extends LarderError {
  constructor(method: string, path: string, allowed: readonly string[]) {
    super('method_not_allowed', 405, `${path.slice(0, 200)} does not take ${method.slice(0, 20)}; it takes ${allowed.join(', ')}.`, { allow: allowed.join(', ') });
  }
}

/**
 * The 405 for a request whose path Larder's routes serve with other methods only, or
 * undefined: nothing is there, or this method is (and what it asked for does not exist).
 */
export function wrongMethod(app: FastifyInstance, method: string, path: string): MethodNotAllowedError | undefined {
  const allowed = app.routeMethods.at(path);
  return allowed.length > 0 && !allowed.includes(method) ? new MethodNotAllowedError(method, path, allowed) : undefined;
}

/** Fastify's own 4xx errors (bad JSON, unsupported media type, body too large) in our terms. */
function codeForStatus(status: number): string {
  if (status === 404) return 'not_found';
  if (status === 405) return 'method_not_allowed';
  if (status === 413) return 'payload_too_large';
  if (status === 415) return 'unsupported_media_type';
  if (status === 429) return 'too_many_requests';
  return 'invalid_request';
}

/** Writes one error: `{ error, error_description }` where JSON is due, an error page for people. */
function errorWriter(views: Views) {
  return async (request: FastifyRequest, reply: FastifyReply, status: number, code: string, description: string) => {
    reply.code(status);
    if (wantsJson(request)) return reply.type('application/json; charset=utf-8').send({ error: code, error_description: description });
    // The page's header needs to know who is logged in, even when the error came before the handler.
    await preparePage();
    const heading = status === 404 ? 'Not found' : status >= 500 ? 'Something went wrong' : 'That request could not be handled';
    return reply.type('text/html; charset=utf-8').send(views.render('error', { title: heading, heading, message: description }));
  };
}

/**
 * Fastify's `frameworkErrors`: what its router refuses before any route (a broken
 * %-escape, an over-long path parameter), written like every other error. No hook runs
 * for these replies (there is no route), so what the hooks add is added here.
 */
export function frameworkErrorHandler(views: Views): (error: FastifyError, request: FastifyRequest, reply: FastifyReply) => void {
  const send = errorWriter(views);
  return (error, request, reply) => {
    for (const [name, value] of Object.entries(request.server.securityHeaders ?? {})) reply.header(name, value);
    if (isResourceServerPath(requestPath(request.url))) reply.header('cache-control', 'no-store');
    const status = typeof error.statusCode === 'number' && error.statusCode >= 400 && error.statusCode < 500 ? error.statusCode : 400;
    void send(request, reply, status, 'invalid_request', 'The request address is not valid (for example a broken %-escape or an over-long part).');
  };
}

/**
 * The one place that turns failures into replies: `{ error, error_description }` for
 * the API, a friendly page for people. Bad input never produces a 500 or a stack trace;
 * anything unexpected is logged and answered with a generic message.
 */
export function installErrorHandling(app: FastifyInstance, views: Views): void {
  const send = errorWriter(views);
  installRouteMethods(app);

  app.setErrorHandler((error: FastifyError | LarderError, request, reply) => {
    if (isDatabaseUnavailable(error)) {
      request.log.warn({ err: error }, 'database unavailable');
      error = new DatabaseUnavailableError(error);
    }
    if (error instanceof LarderError) {
      for (const [name, value] of Object.entries(error.headers)) reply.header(name, value);
      return send(request, reply, error.status, error.code, error.message);
    }
    if ('validation' in error && error.validation) {
      return send(request, reply, 400, 'invalid_request', describeValidation(error));
    }
    const status = typeof error.statusCode === 'number' ? error.statusCode : 500;
    if (status >= 400 && status < 500) {
      return send(request, reply, status, codeForStatus(status), error.message || 'The request could not be understood.');
    }
    request.log.error({ err: error }, 'unhandled error');
    return send(request, reply, 500, 'server_error', 'Larder could not complete this request. Please try again; if it keeps failing, tell the operator.');
  });

  // Fastify's router knows only "no route": a known path asked with another method is a 405.
  app.setNotFoundHandler((request, reply) => {
    const path = requestPath(request.url);
    const wrong = wrongMethod(request.server, request.method, path);
    if (wrong) {
      for (const [name, value] of Object.entries(wrong.headers)) reply.header(name, value);
      return send(request, reply, wrong.status, wrong.code, wrong.message);
    }
    return send(request, reply, 404, 'not_found', `Nothing is at ${request.method} ${path.slice(0, 200)}.`);
  });
}

/** Ajv's first complaint in words a caller can act on: "limit must be <= 10", "query is required". */
function describeValidation(error: FastifyError): string {
  const first = error.validation?.[0];
  const where = error.validationContext === 'querystring' ? 'query parameter' : error.validationContext === 'params' ? 'path parameter' : 'field';
  if (!first) return error.message;
  const params = first.params as Record<string, unknown>;
  const name = first.instancePath.replace(/^\//, '').replace(/\//g, '.');
  if (first.keyword === 'required') return `The ${where} ${String(params.missingProperty)} is required.`;
  if (first.keyword === 'additionalProperties') return `Unknown ${where} ${String(params.additionalProperty)}.`;
  if (first.keyword === 'enum') return `${name || where} must be one of: ${(params.allowedValues as unknown[]).join(', ')}.`;
  return `${name || where} ${first.message ?? 'is not valid'}.`;
}
